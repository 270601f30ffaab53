/** Metres per CSS pixel at a latitude and zoom, for MapLibre's 512-pixel world at zoom 0. */
export function metresPerPixel(latitude: number, zoom: number): number {
  return (40075016.686 * Math.cos((latitude * Math.PI) / 180)) / (512 * 2 ** zoom);
}

/** The longest round length (1, 2 or 5 × 10ⁿ metres) whose bar fits in maxPx pixels. */
export function niceScaleBar(metresPerPx: number, maxPx: number): { metres: number; px: number; label: string } {
  const maxMetres = metresPerPx * maxPx;
  const power = 10 ** Math.floor(Math.log10(maxMetres));
  const step = [5, 2, 1].map((f) => f * power).find((m) => m <= maxMetres) ?? power;
  const label = step >= 1000 ? `${step / 1000} km` : `${step} m`;
  return { metres: step, px: step / metresPerPx, label };
}

/** The representative fraction (1 : N) of a print: ground metres per printed metre, rounded to 2 significant digits. */
export function scaleDenominator(metresPerDevicePx: number, dpi: number): number {
  const raw = metresPerDevicePx / (0.0254 / dpi);
  const digits = 10 ** Math.max(0, Math.floor(Math.log10(raw)) - 1);
  return Math.round(raw / digits) * digits;
}
