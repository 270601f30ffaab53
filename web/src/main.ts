// First: it starts the style, worker and glyph downloads before the map library is evaluated.
import { stylePromise, viewerPromise, workerScript, workerUrl } from './map/boot-fetch.ts';
import './app.css';
import type { StyleSpecification } from 'maplibre-gl';
import { describeError, onUnauthenticated, setCsrfToken } from './api/http.ts';
import { currentUser, type SessionUser } from './api/session.ts';
import { initialLang, lang, onLang, setLang, startLang, t } from './i18n/i18n.ts';
import type { MessageKey } from './i18n/vi.ts';
import { exportSlot } from './io/export-slot.ts';
import { accountTools } from './ui/account-tools.ts';
import { importSlot } from './io/import-slot.ts';
import { createMap, reviveMapWorkers, type MapHandle } from './map/create-map.ts';
import { onceAtRest } from './map/at-rest.ts';
import { withAreaLabelSource } from './map/area-labels.ts';
import { groupsOf, LayerControl } from './map/layer-groups.ts';
import { LayerDefaults } from './map/role-layers.ts';
import { landUseMapsOf, resolveLandUseMap, selectLandUseMapInStyle, withLandUseMap } from './map/landuse-maps.ts';
import { offlineNotice, styleWhenOnline, workerWhenOnline } from './map/offline-notice.ts';
import { PlotPicking } from './map/plot-picking.ts';
import { keyStyleTiles } from './map/viewer-tiles.ts';
import { readLinkedFeature, type LinkedFeature } from './map/linked-feature.ts';
import { diaryOutboxUser } from './registration/diary-outbox.ts';
import { photoOutboxUser } from './registration/photo-outbox-page.ts';
import { forgetKeptReads } from './registration/registry-reads.ts';
import { sheetPadding } from './map/fit-padding.ts';
import { BackStack, writtenByApp, type BackLayer } from './state/back-stack.ts';
import { formsHoldInput, warnBeforeLeaving } from './state/unsaved.ts';
import { formatViewState, parseViewState, shownGroups, withoutSelection, type ViewState } from './state/url-state.ts';
import { AccountMenu } from './ui/account-menu.ts';
import { DetailsPanel, pickFeatures, type PickedFeature } from './ui/details-panel.ts';
import { clear, h } from './ui/dom.ts';
import { LayerPanel } from './ui/layer-panel.ts';
import { myPlotsName, offersMyPlots, renderPanelTabs, type PanelTab } from './ui/panel-tabs.ts';
import { SearchBox, type SearchHit } from './ui/search-box.ts';
import { farmerRecordOf, hitProperties } from './ui/search-hits.ts';
import { lazy } from './ui/lazy.ts';
import { toast } from './ui/toast.ts';
import { registerServiceWorker } from './sw-register.ts';

type Tab = 'layers' | 'details' | 'mine' | 'tools';

/** When a page started from the identity the worker kept asks the server again, once online, after a try that got no answer. */
const IDENTITY_RETRY_MS = 5000;

const initial = parseViewState(location.hash);
startLang(initialLang(initial.lang));

const root = document.getElementById('app')!;
clear(root);
const mapEl = h('div', { id: 'map', class: 'map' });
const panelBody = h('div', { class: 'panel-body', id: 'panel-body' });
const tabBar = h('nav', { class: 'tabs', 'aria-label': t('menu') });
const panel = h('aside', { class: 'panel', id: 'panel' }, tabBar, panelBody);
const brand = h('div', { class: 'brand' }, h('strong', {}, t('appTitle')), h('small', {}, t('appSubtitle')));
const langButton = h('button', {
  type: 'button',
  class: 'btn btn-lang',
  id: 'lang-toggle',
  onclick: () => setLang(lang() === 'vi' ? 'en' : 'vi'),
});
const accountSlot = h('div', { class: 'account-slot' });
const topbar = h('header', { class: 'topbar' }, brand, accountSlot, langButton);
// The search box is in the top bar before the map exists: on a phone it wraps to a second row, and
// a map created under the shorter bar would at once be resized and drawn again (a quarter second
// of a slow phone's main thread, before the first tile).
let onSearchHit: (hit: SearchHit) => void = () => undefined;
const search = new SearchBox((hit) => onSearchHit(hit), {
  role: () => user?.role,
  // A guest's name, phone or citizen ID found nothing: "Thửa của tôi" is where their plots are, and the keyboard goes to its tab.
  openMine: () => {
    activeTab = 'mine';
    panelOpen = true;
    showTab();
    tabBar.querySelector<HTMLElement>('[data-tab="mine"]')?.focus();
  },
});
topbar.insertBefore(search.element, accountSlot);
root.append(topbar, h('div', { class: 'body' }, panel, mapEl));

let activeTab: Tab = initial.selection ? 'details' : 'layers';
let panelOpen = window.matchMedia('(min-width: 760px)').matches || Boolean(initial.selection);
// Opened now, not once the map exists: on a desk the open panel narrows the map, and a map created
// wider would be resized at once (and its first tiles chosen for the wrong width).
panel.classList.toggle('is-open', panelOpen);
let user: SessionUser | undefined;
const tabContent: Partial<Record<Tab, () => HTMLElement>> = {};

function renderTabs(): void {
  const all: PanelTab<Tab>[] = [
    { id: 'layers', label: t('layers'), short: t('layersShort'), icon: 'layers' },
    { id: 'details', label: t('details'), short: t('detailsShort'), icon: 'details' },
    { id: 'mine', label: t(myPlotsName(user?.role)), short: t('myPlotsShort'), icon: 'mine' },
    { id: 'tools', label: t('tools'), short: t('toolsShort'), icon: 'tools' },
  ];
  const tabs = all.filter((tab) => tab.id !== 'mine' || offersMyPlots(user?.role));
  // A planner signing in where a farmer was signed out lands on the layers, not on a tab they lack.
  if (!tabs.some((tab) => tab.id === activeTab)) activeTab = 'layers';
  renderPanelTabs(tabBar, {
    tabs,
    active: activeTab,
    open: panelOpen,
    controls: panelBody.id,
    toggleLabel: t(panelOpen ? 'panelCollapse' : 'panelExpand'),
    onPick: (id) => {
      panelOpen = !(panelOpen && activeTab === id);
      activeTab = id;
      showTab();
    },
    // Closed, the desk panel is a rail beside the map (MapLibre's ResizeObserver resizes the map);
    // opened again it shows the tab it showed before.
    onToggle: () => {
      panelOpen = !panelOpen;
      showTab();
    },
  });
}

function showTab(): void {
  panel.classList.toggle('is-open', panelOpen);
  renderTabs();
  clear(panelBody);
  const content = tabContent[activeTab]?.();
  if (content) panelBody.append(content);
}

function renderChrome(): void {
  brand.querySelector('strong')!.textContent = t('appTitle');
  brand.querySelector('small')!.textContent = t('appSubtitle');
  langButton.textContent = t('switchLanguage');
  langButton.setAttribute('aria-label', `${t('language')}: ${t('switchLanguage')}`);
  document.title = t('appTitle');
}

async function boot(): Promise<void> {
  renderChrome();
  // The line stays until the first tile is in (the map's box is blank until then: on a phone's slow
  // link for ten seconds and more), and says after a while that the map comes bit by bit.
  const loading = h('p', { class: 'map-loading', role: 'status' }, t('loading'));
  mapEl.append(loading);
  const slow = setTimeout(() => loading.append(h('br'), h('small', { class: 'map-loading-slow' }, t('loadingSlow'))), 6000);
  const loaded = () => {
    clearTimeout(slow);
    loading.remove();
  };
  let style: StyleSpecification;
  try {
    // Offline on arrival, the map's area says so (not a blank box) and the style is read once back online.
    // So is the map's worker script: a worker started without it never draws a tile, and is started again.
    workerWhenOnline(workerScript, workerUrl, offlineNotice(mapEl), reviveMapWorkers);
    style = await styleWhenOnline(stylePromise, offlineNotice(mapEl));
  } catch (error) {
    loaded();
    mapEl.append(h('p', { class: 'map-error' }, t('noSourcesYet', { detail: describeError(error) })));
    return;
  }
  // A growing area's code once, not once per plot: its label layer reads one point per area (area-labels.ts).
  style = withAreaLabelSource(style);
  const groups = groupsOf(style);
  if (groups.length === 0) toast(() => t('mapUnavailable'), 'error');

  // The first tiles are the viewer's (asked for beside the style, it is usually in already): a page
  // reloaded while signed in would otherwise start from URLs a guest's copy is cached under. So are
  // the layers shown when the link names none: a planner's start on the zoning plans.
  user = await viewerPromise;
  const layerDefaults = new LayerDefaults(groups);
  layerDefaults.use(user?.role);

  // Visibility and opacity from the link go into the style before the map exists: no flash of defaults.
  const visible: Record<string, boolean> = {};
  const initialLayers = shownGroups(
    initial.layers,
    groups.map((g) => g.id),
  );
  for (const g of groups) visible[g.id] = initialLayers ? initialLayers.includes(g.id) : g.visible;
  for (const layer of style.layers) {
    const group = (layer.metadata as Record<string, string> | undefined)?.['bando:group'];
    if (group && group in visible) layer.layout = { ...(layer.layout ?? {}), visibility: visible[group] ? 'visible' : 'none' } as never;
  }
  // So is the land-use map it names (hiện trạng or quy hoạch): the tiles carry both, one is drawn.
  const landUseMap = resolveLandUseMap(landUseMapsOf(style), initial.landuse);
  if (landUseMap) selectLandUseMapInStyle(style, landUseMap.id);

  keyStyleTiles(style, user);

  const handle: MapHandle = await createMap(mapEl, style, initial);
  handle.setUser(user);
  const { map } = handle;
  // A tile of a vector source, from the network (the geojson label sources make theirs on the spot).
  const firstTile = (e: { dataType?: string; tile?: unknown; sourceId?: string }) => {
    if (e.dataType !== 'source' || !e.tile || !e.sourceId || map.getSource(e.sourceId)?.type !== 'vector') return;
    map.off('data', firstTile);
    loaded();
  };
  map.on('data', firstTile);
  map.once('idle', () => {
    map.off('data', firstTile);
    loaded();
  });
  const control = new LayerControl(map, style);
  // The browser tests (and anyone debugging in the field) read the map from here.
  (window as unknown as { __bando: unknown }).__bando = { map, control, handle };
  const opacity: Record<string, number> = { ...initial.opacity };
  const panelState = { visible, opacity, landuse: initial.landuse };
  map.once('load', () => {
    for (const [group, value] of Object.entries(opacity)) control.setOpacity(group, value);
  });

  let selection = initial.selection;
  // The address the page last wrote or applied: a link pasted into the address bar fires popstate and
  // then hashchange, and is applied once.
  let appliedHref = location.href;
  // Back closes the card or dialog opened last before it leaves the app (back-stack.ts).
  const back = new BackStack(history, (settled) => (settled ? writeUrl() : applyUrl()));
  window.addEventListener('popstate', (event) => back.popped(event.state));
  // Arrived by a shared link that opens a card (s=…), not a reload of one of the app's entries: the
  // card is an entry over the map, as if tapped, so the first Back closes it and leaves the map
  // (opened below, once the card's layer can be made); only the second leaves the app.
  const arrivedOnCard = Boolean(initial.selection) && !writtenByApp(history.state);
  const arrivalHref = location.href;
  // The entry the page opened on is the app's from now on (depth 0), its URL as it came (without the card when it opens one).
  history.replaceState(
    back.state(),
    '',
    arrivedOnCard ? `${location.pathname}${location.search}${withoutSelection(location.hash)}` : location.href,
  );
  warnBeforeLeaving();
  const writeUrl = () => {
    const c = map.getCenter();
    const state: ViewState = {
      center: [c.lng, c.lat],
      zoom: map.getZoom(),
      bearing: map.getBearing(),
      layers: groups.filter((g) => visible[g.id]).map((g) => g.id),
      opacity,
      landuse: panelState.landuse,
      ...(selection ? { selection } : {}),
      lang: lang(),
    };
    // If every group is at the style's default, leave l= out so links stay short (a planner's
    // defaults are not a guest's: their links name their layers).
    if (layerDefaults.atStyleDefaults(visible)) delete state.layers;
    // The entry keeps its depth in the back stack: only the view in its URL changes.
    history.replaceState(back.state(), '', `${location.pathname}${location.search}${formatViewState(state)}`);
    appliedHref = location.href;
  };
  map.on('moveend', writeUrl);

  const layerPanel = new LayerPanel(style, groups, control, panelState, writeUrl);
  const select = (feature: PickedFeature | undefined) => {
    selection = feature && feature.id !== undefined ? { group: feature.group, id: String(feature.id) } : undefined;
    control.highlight(feature?.group, feature?.id);
    writeUrl();
  };
  const plotPicking = new PlotPicking(map);
  const details = new DetailsPanel(
    select,
    () => {
      writeUrl();
      void navigator.clipboard?.writeText(location.href).then(
        () => toast(() => t('linkCopied')),
        () => toast(location.href),
      );
    },
    {
      user: () => user,
      refreshTiles: () => handle.showEdits(),
      pickPlots: (onPick) => plotPicking.start(onPick),
      layerShown: (group) => visible[group] !== false,
      showLayer: (group) => {
        visible[group] = true;
        control.setVisible(group, true);
        layerPanel.render();
        writeUrl();
      },
    },
  );

  const isDesk = () => window.matchMedia('(min-width: 760px)').matches;
  // The card opened by a tap or a search is one entry in the history: Back closes it (and, on a phone,
  // its sheet) and the map stays where it is. Another card opened over it replaces it.
  let cardLayer: BackLayer | undefined;
  const cardOpened = (): BackLayer => {
    if (cardLayer && back.has(cardLayer)) return cardLayer;
    const layer: BackLayer = {
      kind: 'card',
      close: () => {
        if (cardLayer !== layer) return;
        // A form open in the card with something typed in it (a spray, an inspection) is not thrown away
        // by Back: the card stays and says how to leave it.
        if (formsHoldInput(details.element)) {
          back.open(layer, location.href);
          toast(() => t('backKeepsForm'));
          return;
        }
        cardLayer = undefined;
        selection = undefined;
        control.highlight(undefined, undefined);
        details.show([]);
        if (!isDesk()) panelOpen = false;
        showTab();
      },
    };
    cardLayer = layer;
    back.open(layer, location.href);
    return layer;
  };
  const cardClosed = () => {
    if (cardLayer) back.closed(cardLayer);
    cardLayer = undefined;
  };

  // A modal dialog (print, sign in, a plot's form, a confirmation) is one entry too: Back asks it to
  // close as Escape does (its own 'cancel' handling may keep it open, then its entry is pushed again).
  // Its own buttons closing it take its entry back.
  const dialogLayers = new Map<HTMLDialogElement, BackLayer>();
  const dialogOpened = (dialog: HTMLDialogElement) => {
    const layer: BackLayer = {
      kind: 'dialog',
      close: () => {
        dialogLayers.delete(dialog);
        if (typeof dialog.requestClose === 'function') dialog.requestClose();
        else if (dialog.dispatchEvent(new Event('cancel', { cancelable: true }))) dialog.close();
        if (dialog.open && dialog.isConnected) dialogOpened(dialog);
      },
    };
    dialogLayers.set(dialog, layer);
    back.open(layer, location.href);
  };
  new MutationObserver(() => {
    for (const [dialog, layer] of dialogLayers) {
      if (dialog.open && dialog.isConnected) continue;
      dialogLayers.delete(dialog);
      back.closed(layer);
    }
    for (const dialog of document.querySelectorAll<HTMLDialogElement>('dialog[open]')) {
      if (!dialogLayers.has(dialog) && dialog.matches(':modal')) dialogOpened(dialog);
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['open'] });

  tabContent.layers = () => {
    layerPanel.render();
    return layerPanel.element;
  };
  tabContent.details = () => details.element;
  tabContent.tools = () => toolsPanel();

  map.on('click', (event) => {
    if (handle.editing()) return;
    // A draft's card is adding plots: the tap picks a plot for it instead of opening cards.
    if (plotPicking.tap(event.point)) return;
    const pad = 6;
    const box: [[number, number], [number, number]] = [
      [event.point.x - pad, event.point.y - pad],
      [event.point.x + pad, event.point.y + pad],
    ];
    const features = pickFeatures(map.queryRenderedFeatures(box, { layers: control.clickableLayers() }), {
      at: [event.lngLat.lng, event.lngLat.lat],
      basemap: new Set(groups.filter((g) => g.basemap).map((g) => g.id)),
    });
    // A land-use area's tile names its map by id only: the card says which map, and a plan's period.
    for (const f of features) if (f.group === 'landuse') f.properties = withLandUseMap(f.properties, landUseMapsOf(style));
    // Opening a card adds one history entry (Back closes it); a tap on the empty map closes it and takes it back.
    if (features.length) cardOpened();
    details.show(features);
    select(features[0]);
    if (!features.length) cardClosed();
    activeTab = 'details';
    panelOpen = true;
    showTab();
  });

  const flyToHit = (hit: SearchHit, returnTo?: () => void) => {
    // Picked by keyboard: the keyboard waits in the panel, not on the page's body, while the map flies.
    if (returnTo) details.awaitCard(returnTo, panel);
    // A hit on a hidden layer (zoning lots are off at first) turns it on: the card and highlight need its tiles.
    if (visible[hit.group] === false) {
      visible[hit.group] = true;
      control.setVisible(hit.group, true);
      layerPanel.render();
    }
    if (hit.bbox) map.fitBounds([hit.bbox[0], hit.bbox[1], hit.bbox[2], hit.bbox[3]], { padding: 60, maxZoom: 18, duration: 1200 });
    else if (hit.center) map.flyTo({ center: hit.center, zoom: 17, duration: 1200 });
    // Nowhere to fly (a draft with no plots yet): a frame is drawn all the same, so 'idle' comes and the card opens.
    else map.triggerRepaint();
    selection = hit.id !== undefined ? { group: hit.group, id: String(hit.id) } : undefined;
    const layer = cardOpened();
    onceAtRest(map, () => {
      // Back was pressed while the map flew: the card it closed is not opened after all.
      if (!back.has(layer)) return;
      control.highlight(hit.group, hit.id);
      const found = hit.id === undefined ? [] : handle.findRendered(hit.group, hit.id);
      // Not drawn yet (a layer just turned on, a loaded machine): the card starts from the hit's facts
      // under the properties' own names, and the features API fills in the rest.
      details.show(found.length ? found : [{ group: hit.group, id: hit.id, properties: hitProperties(hit.group, hit.facts) }]);
      activeTab = 'details';
      // On a phone the panel starts closed: the card of what was searched for must show, as after a click.
      panelOpen = true;
      showTab();
      // The keyboard follows what was picked: to the card's title (read out), Escape back to the box.
      if (returnTo) details.focusCard(returnTo);
      writeUrl();
      // The card opened as a bottom sheet over the map's lower part: what was found moves above it.
      requestAnimationFrame(() => {
        const padding = sheetPadding(handle, details.element);
        if (padding.bottom <= 48) return;
        if (hit.bbox) map.fitBounds([hit.bbox[0], hit.bbox[1], hit.bbox[2], hit.bbox[3]], { padding, maxZoom: 18, duration: 600 });
        // A point is fitted at the zoom it has (easeTo's padding would stay on the camera for later moves).
        else if (hit.center)
          map.fitBounds([hit.center[0], hit.center[1], hit.center[0], hit.center[1]], { padding, maxZoom: map.getZoom(), duration: 600 });
      });
    });
  };

  // A farmer's record (the farmer form, to read and correct them): a farmer with no plot yet has no card
  // on the map, found by the search box or in the farmers list. Settles when the form has closed.
  const openFarmerRecord = (farmerId: number): Promise<unknown> =>
    new Promise((done) =>
      lazy(
        () => import('./registration/farmer-form.ts'),
        ({ openFarmerForm }) =>
          void openFarmerForm({ communes: user?.communes ?? [], farmerId, noPlot: true })
            .catch((error: unknown) => toast(() => t('farmerLoadFailed', { detail: describeError(error) }), 'error'))
            .then(done),
      ),
    );

  onSearchHit = (hit) => {
    const farmerId = farmerRecordOf(hit);
    if (farmerId !== undefined) void openFarmerRecord(farmerId).then(() => search.focus());
    else flyToHit(hit, () => search.focus());
  };

  /**
   * Opens the card a link selects (s=group:id) whatever the map shows. A link with no position flies
   * to the feature, read from the features API: a phone's first view is two zoom levels out, where an
   * officer's growing area with no code yet is not in the tiles, and such a link opened nothing. Not
   * drawn once the map rests, the card is made from the API's answer; not found, or not this viewer's
   * to see, the page says so instead of nothing.
   */
  const openLinked = async (group: string, id: string, fly: boolean): Promise<void> => {
    const asked = () => selection?.group === group && selection.id === id;
    const what = groups.some((g) => g.id === group) ? t(`layer_${group}` as MessageKey) : group;
    const notFound = () => {
      toast(() => t('linkFeatureNotFound', { what, id }), 'error', 12_000);
      selection = undefined;
      control.highlight(undefined, undefined);
      writeUrl();
      // No card after all: its entry goes, so Back does not stop on a card that never showed.
      cardClosed();
    };
    const unread = (error: unknown) => toast(() => t('linkFeatureUnread', { what, id, detail: describeError(error) }), 'error', 12_000);
    // A layer the link leaves off (zoning lots are off at first) is turned on: the card and highlight need its tiles.
    if (visible[group] === false) {
      visible[group] = true;
      control.setVisible(group, true);
      layerPanel.render();
    }
    let read: Promise<LinkedFeature | undefined> | undefined;
    const readOnce = () => (read ??= readLinkedFeature(group, id));
    if (fly) {
      try {
        const linked = await readOnce();
        if (!asked()) return;
        if (!linked) return notFound();
        if (linked.bbox) map.fitBounds(linked.bbox, { padding: 40, maxZoom: 18, duration: 0 });
      } catch (error) {
        // No network or a busy server: the map may still draw it where it is.
        if (asked()) unread(error);
        read = undefined;
      }
    }
    control.highlight(group, id);
    const found = await handle.whenDrawn(group, id);
    if (!asked()) return;
    // Again once drawn: a highlight set before the style had its layers (a fresh page) is lost.
    control.highlight(group, id);
    if (found.length) return details.show(found);
    try {
      const linked = await readOnce();
      if (!asked()) return;
      if (linked) details.show([{ group, id, properties: linked.properties }], true);
      else notFound();
    } catch (error) {
      if (asked()) unread(error);
    }
  };
  if (initial.selection) {
    if (arrivedOnCard) {
      // The card's entry, with the link as it came (the view is written into it as the map moves).
      cardOpened();
      history.replaceState(back.state(), '', arrivalHref);
      appliedHref = location.href;
    }
    void openLinked(initial.selection.group, initial.selection.id, !initial.center);
  }

  // A shared link pasted into the address bar of a tab already showing the map changes only the hash:
  // the browser does not reload, so the page applies the link as a fresh page would (position, layers,
  // opacity, land-use map, selection, language). writeUrl uses replaceState, which fires no hashchange.
  // Back and Forward between such entries (popstate, not closing a layer) apply theirs the same way.
  const applyUrl = () => {
    if (location.href === appliedHref) return;
    appliedHref = location.href;
    const next = parseViewState(location.hash);
    if (next.lang) setLang(next.lang);
    if (next.center && next.zoom !== undefined) map.jumpTo({ center: next.center, zoom: next.zoom, bearing: next.bearing ?? 0 });
    const nextLayers = shownGroups(
      next.layers,
      groups.map((g) => g.id),
    );
    for (const g of groups) {
      visible[g.id] = nextLayers ? nextLayers.includes(g.id) : g.visible;
      control.setVisible(g.id, visible[g.id]!);
      if (next.opacity[g.id] === undefined) delete opacity[g.id];
      else opacity[g.id] = next.opacity[g.id]!;
      control.setOpacity(g.id, opacity[g.id] ?? 1);
    }
    panelState.landuse = next.landuse;
    const shown = resolveLandUseMap(landUseMapsOf(style), next.landuse);
    if (shown) control.setLandUseMap(shown.id);
    selection = next.selection;
    control.highlight(selection?.group, selection?.id);
    if (selection) {
      activeTab = 'details';
      panelOpen = true;
      showTab();
      void openLinked(selection.group, selection.id, !next.center);
    } else {
      // Whatever card was open is not this entry's (Back or Forward to a view with none).
      details.show([]);
      showTab();
    }
    writeUrl();
  };
  window.addEventListener('hashchange', applyUrl);

  /**
   * Opens again the card a sign-out closed, as the new viewer reads it (details.reopen: the features
   * API's answer), or, for a card made from its tiles alone, once the map draws the new viewer's
   * tiles; not at all when this viewer cannot see it (a draft area).
   */
  const reopen = (closed: PickedFeature, tilesFor: Promise<void>) => {
    const { group, id } = closed;
    const stillAsked = () => !details.current() && selection?.group === group && selection.id === String(id);
    if (details.reopen(closed, stillAsked, () => select(undefined))) return void tilesFor.catch(() => undefined);
    tilesFor.then(
      async () => {
        if (id === undefined) return;
        // setTiles has the source's tiles reload: whenDrawn waits for all of them to be the new viewer's.
        const found = await handle.whenDrawn(group, id);
        if (!stillAsked()) return;
        if (found.length) details.show(found);
        else select(undefined);
      },
      // No new tiles (no signal): the old viewer's are still drawn, so nothing is read from them.
      () => {
        if (stillAsked()) select(undefined);
      },
    );
  };

  /**
   * The layers for whoever is now signed in: a view left at the previous viewer's defaults moves
   * to the new viewer's (a planner signing in sees the zoning plans; signing out, a guest's again);
   * layers chosen by hand stay as they are.
   */
  const followLayerDefaults = (viewer: SessionUser | undefined) => {
    const untouched = layerDefaults.atDefaults(visible);
    if (!layerDefaults.use(viewer?.role)) return;
    if (untouched) {
      for (const g of groups) {
        visible[g.id] = g.visible;
        control.setVisible(g.id, g.visible);
      }
      layerPanel.render();
    }
    writeUrl();
  };

  const account = new AccountMenu(async (next) => {
    user = next;
    followLayerDefaults(next);
    handle.setUser(next);
    // The tiles differ by viewer (a ward officer's carry their drafts): drawn and clicked, they must be this one's.
    const tilesFor = handle.refreshTiles();
    void photoOutboxUser(next);
    diaryOutboxUser(next);
    const closed = details.userChanged();
    if (closed) reopen(closed, tilesFor);
    if (!next) search.forget();
    else void tilesFor.catch(() => undefined);
    renderTabs();
    if (next?.role === 'farmer') {
      activeTab = 'mine';
      panelOpen = true;
    } else {
      // A farmer's plots stay outlined only while they are signed in (phones are shared).
      lazy(
        () => import('./farmer/my-plots.ts'),
        ({ clearMyPlots }) => clearMyPlots(handle),
      );
    }
    showTab();
  });
  accountSlot.append(account.element);

  // A session that ended under the page (signed out in another tab, the cookie expired): the first
  // refusal of any request (http.ts: the API's, an upload's, a thumbnail's) puts the page back to a
  // guest as a sign-out does: the bar offers Sign in, the tiles are a guest's, the phone forgets the
  // kept reads, the open card is read again as a guest's (or stays closed when a guest may not see
  // it), the search box forgets the officer's hits. Only the forms open in the card stay, as typed,
  // for the same person to sign in again and save (details-panel.ts, sessionEnded); the photos still
  // to be sent wait on the phone for them (photo-outbox.ts).
  const sessionEnded = () => {
    const previous = user;
    if (!previous) return;
    user = undefined;
    setCsrfToken(undefined);
    followLayerDefaults(undefined);
    handle.setUser(undefined);
    const tilesFor = handle.refreshTiles();
    void photoOutboxUser(undefined);
    diaryOutboxUser(undefined);
    void forgetKeptReads();
    account.setUser(undefined);
    const closed = details.sessionEnded(previous);
    if (closed) reopen(closed, tilesFor);
    else void tilesFor.catch(() => undefined);
    search.forget();
    const tab = activeTab;
    renderTabs();
    if (previous.role === 'farmer') {
      lazy(
        () => import('./farmer/my-plots.ts'),
        ({ clearMyPlots }) => clearMyPlots(handle),
      );
    }
    // The farmer's own tab is gone with them: the panel shows the tab that took its place. An
    // officer's plot list and the tools of the account (editing, accounts) go too: drawn again for a guest.
    if (activeTab !== tab || tab === 'mine' || tab === 'tools') showTab();
  };
  onUnauthenticated(sessionEnded);

  // Started with no network as the person the worker kept (sw.ts, identity): once the signal is back
  // the server says who this is. The same person goes on (with the session's CSRF token, for writes);
  // a session that ended meanwhile, or anyone else's, puts the page back to a guest, as a sign-out does.
  let identityRetry: ReturnType<typeof setTimeout> | undefined;
  const confirmIdentity = () => {
    const kept = user;
    if (!kept?.savedAt) return window.removeEventListener('online', confirmIdentity);
    // Not yet (the worker's kept copy again, a weak signal, a busy server): asked again in a while, and at the next 'online'.
    const later = () => {
      if (navigator.onLine && !identityRetry) identityRetry = setTimeout(confirmIdentity, IDENTITY_RETRY_MS);
    };
    clearTimeout(identityRetry);
    identityRetry = undefined;
    currentUser().then((fresh) => {
      if (fresh?.savedAt) return later();
      window.removeEventListener('online', confirmIdentity);
      if (user !== kept) return;
      if (fresh && fresh.username === kept.username && fresh.role === kept.role) {
        user = fresh;
        account.setUser(fresh);
      } else sessionEnded();
    }, later);
  };
  if (user?.savedAt) window.addEventListener('online', confirmIdentity);

  tabContent.mine = () => {
    const wrap = h('section', { class: 'mine-panel' }, h('p', { class: 'hint' }, t('loadingMyPlots')));
    lazy(
      () => import('./farmer/my-plots.ts'),
      ({ renderMyPlots }) => renderMyPlots(wrap, user, handle, flyToHit),
    );
    return wrap;
  };

  function toolsPanel(): HTMLElement {
    const canEdit = user && (user.role === 'officer' || user.role === 'admin');
    return h(
      'section',
      { class: 'tools-panel' },
      h('h2', { class: 'panel-title' }, t('tools')),
      h('button', { type: 'button', class: 'btn btn-block', id: 'locate-me', onclick: () => handle.locate() }, t('locateMe')),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-block',
          id: 'print-open',
          onclick: () =>
            lazy(
              () => import('./print/print-dialog.ts'),
              ({ openPrintDialog }) => openPrintDialog(map, style, visible),
            ),
        },
        t('print'),
      ),
      canEdit
        ? h(
            'button',
            {
              type: 'button',
              class: 'btn btn-block btn-primary',
              id: 'edit-open',
              onclick: () => {
                // On a phone the tools sheet would cover the map and the editor's card: the work is on the map.
                if (!window.matchMedia('(min-width: 760px)').matches) {
                  panelOpen = false;
                  showTab();
                }
                // Up until the editor's tools are on the map (or the part could not be fetched: lazy says so).
                const opening = toast(() => t('editorLoading'), 'info', Infinity);
                lazy(
                  () =>
                    import('./editing/editor.ts').catch((failure: unknown) => {
                      opening();
                      throw failure;
                    }),
                  ({ openEditor }) => void openEditor(handle, user!).finally(opening),
                );
              },
            },
            t('editPlots'),
          )
        : h('p', { class: 'hint' }, t('signInToEdit')),
      // The farmers of the officer's communes: a row flies to their plots, or opens the record of one with none.
      canEdit
        ? h(
            'button',
            {
              type: 'button',
              class: 'btn btn-block',
              id: 'farmers-open',
              onclick: () =>
                lazy(
                  () => import('./registration/farmers-list.ts'),
                  ({ openFarmersList }) => openFarmersList({ flyTo: (hit) => flyToHit(hit), openRecord: openFarmerRecord }),
                ),
            },
            t('farmersList'),
          )
        : null,
      importSlot(user, handle),
      exportSlot(user, handle),
      accountTools(user),
    );
  }

  onLang(() => {
    renderChrome();
    search.relabel();
    layerPanel.render();
    details.render();
    account.render();
    showTab();
    writeUrl();
  });

  showTab();
  account.setUser(user);
  handle.setUser(user);
  // Inspection photos this officer took and the page could not send last time go now.
  void photoOutboxUser(user);
  // So do the spray records typed with no signal (diary-outbox.ts).
  diaryOutboxUser(user);
  details.userChanged();
  renderTabs();
  if (user?.role === 'farmer' && !initial.selection) {
    activeTab = 'mine';
    panelOpen = true;
    showTab();
  }

  // The service worker starts after the first tiles are drawn, so it never competes with them; so do
  // the names the cards show for codes (crops, land uses), read before anyone taps.
  onceAtRest(map, () => {
    registerServiceWorker();
    details.prefetchNames();
  });
}

void boot();
