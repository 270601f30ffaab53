// Small versions of inspection photos (a JPEG of at most 480 px): the server has no image library, so
// the phone makes them. The phone that sent a photo sends its small version right after it; a photo
// stored before small versions existed (or whose small version never arrived: the page ended first)
// gets one from the next officer who looks at it. The list's thumbnails are fetched rather than left
// to an <img>, so the answer's Photo-Thumbnail header can be read: `missing` means the server answered
// the photo itself, and a viewer who may add photos to the inspection (the same access as the PUT)
// makes the small version from the photo just loaded and sends it, once per page, quietly.
import { PHOTO_THUMBNAIL, PHOTO_THUMBNAIL_HEADER } from '../../../server/contracts/registry-codes.ts';
import { MAX_THUMBNAIL_BYTES, THUMBNAIL_MAX_EDGE } from '../../../server/domain/photo-facts.ts';
import { sessionFetch } from '../api/http.ts';

const CSRF_HEADER = 'X-CSRF-Token';
/** Silence after which sending a small version is given up. */
const STALL_MS = 45_000;

/**
 * The photo's small version: a JPEG of at most THUMBNAIL_MAX_EDGE px on its long side, turned upright
 * by its EXIF orientation as the browser shows it (a phone held upright writes a landscape image and
 * an orientation tag).
 */
export async function thumbnailOf(file: Blob): Promise<Blob> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const scale = Math.min(1, THUMBNAIL_MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d canvas');
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no JPEG encoder'))), 'image/jpeg', 0.75),
    );
  } finally {
    bitmap.close();
  }
}

/**
 * Makes and sends a stored photo's small version; answers it once the server has it, else undefined.
 * The photo itself is safe on the server, so a failure is no business of the officer's: one quiet
 * retry for a lost connection or a failing server, none for a refusal (it would be refused again).
 */
export async function sendThumbnail(inspectionId: number, photoId: number, photo: Blob, csrf: string | null): Promise<Blob | undefined> {
  let small: Blob;
  try {
    small = await thumbnailOf(photo);
  } catch {
    return undefined; // a photo this browser cannot decode: the list shows the photo itself
  }
  if (small.size > MAX_THUMBNAIL_BYTES) return undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // A 401 here tells the page its session ended (sessionFetch), as any request's does.
      const answer = await sessionFetch(`/api/inspections/${inspectionId}/photos/${photoId}/thumbnail`, {
        method: 'PUT',
        body: small,
        headers: { 'Content-Type': 'image/jpeg', ...(csrf ? { [CSRF_HEADER]: csrf } : {}) },
        signal: AbortSignal.timeout(STALL_MS),
      });
      if (answer.ok) return small;
      if (answer.status < 500) return undefined;
    } catch {
      // Offline or stalled: the one retry, then nothing.
    }
  }
  return undefined;
}

/** Photos whose small version this page has already tried to make: once per page, whatever happens. */
const tried = new Set<string>();

/** What a thumbnail needs to know about who is looking. */
export type ThumbnailViewer = { mayAddPhotos: boolean; csrf: string | null };

/**
 * Fills the <img> of a photo's thumbnail from `?size=thumb`. When the server says it answered the photo
 * itself (`Photo-Thumbnail: missing`) and the viewer may add photos, the small version is made from
 * those very bytes, sent, and shown; otherwise what came is shown. A failed fetch leaves the <img> to
 * the browser (which shows the photo or its alt text).
 */
export async function loadThumbnail(img: HTMLImageElement, inspectionId: number, photoId: number, viewer: ThumbnailViewer): Promise<void> {
  const url = `/api/inspections/${inspectionId}/photos/${photoId}?size=thumb`;
  let answer: Response;
  let body: Blob;
  try {
    answer = await sessionFetch(url);
    // Signed out under the page (which now shows a guest): the <img> would be refused as well.
    if (answer.status === 401) return;
    if (!answer.ok) throw new Error(String(answer.status));
    body = await answer.blob();
  } catch {
    img.src = url;
    return;
  }
  const key = `${inspectionId}/${photoId}`;
  if (answer.headers.get(PHOTO_THUMBNAIL_HEADER) === PHOTO_THUMBNAIL.MISSING && viewer.mayAddPhotos && !tried.has(key)) {
    tried.add(key);
    const small = await sendThumbnail(inspectionId, photoId, body, viewer.csrf);
    if (small) body = small;
  }
  if (!img.src) img.src = URL.createObjectURL(body);
}

let observer: IntersectionObserver | undefined;
const pending = new WeakMap<Element, () => void>();

/** Runs `load` when the element comes near the screen (as loading="lazy" would), or at once without IntersectionObserver. */
export function whenNearScreen(element: Element, load: () => void): void {
  if (typeof IntersectionObserver !== 'function') {
    load();
    return;
  }
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer?.unobserve(entry.target);
        const start = pending.get(entry.target);
        pending.delete(entry.target);
        start?.();
      }
    },
    { rootMargin: '200px' },
  );
  pending.set(element, load);
  observer.observe(element);
}
