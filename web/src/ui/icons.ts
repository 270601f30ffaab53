// The app's few line icons: 24×24 outline paths drawn in currentColor, so the active, hover and
// disabled colours come from the CSS. Each one stands beside or instead of words a button also
// carries as its accessible name (aria-label) and tooltip (title): the drawing is never the only name.

/** The icons there are. */
export type IconName = 'layers' | 'details' | 'mine' | 'tools' | 'collapse' | 'expand' | 'undo' | 'redo' | 'delete';

const PATHS: Record<IconName, string> = {
  layers: 'M12 3 2 8.5 12 14l10-5.5L12 3Z M2 13.5 12 19l10-5.5',
  details: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z M12 11v6 M12 7.5v.5',
  mine: 'M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21Z M12 12a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5Z',
  tools: 'M14.7 6.3a4 4 0 0 0-5.4 5.1L3.5 17.2a1.8 1.8 0 0 0 2.5 2.6l5.9-5.9a4 4 0 0 0 5.1-5.4l-2.5 2.5-2.2-.5-.5-2.2 2.9-2Z',
  collapse: 'M15 6l-6 6 6 6',
  expand: 'M9 6l6 6-6 6',
  // A hooked arrow back (undo) and forward (redo), as in every editor.
  undo: 'M9 14 4 9l5-5 M4 9h10.5a5.5 5.5 0 0 1 0 11H11',
  redo: 'M15 14l5-5-5-5 M20 9H9.5a5.5 5.5 0 0 0 0 11H13',
  // A bin.
  delete: 'M4 7h16 M10 11v6 M14 11v6 M5.5 7l1 13h11l1-13 M9 7V4h6v3',
};

/** An icon as an inline SVG with the class `className`, hidden from screen readers (the button names itself). */
export function icon(name: IconName, className: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', PATHS[name]);
  svg.append(path);
  return svg;
}
