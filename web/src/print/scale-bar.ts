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

/** Where the scale bar's parts go on the page, in device pixels: the backing box holds the bar, its two labels and the 1 : N fraction. */
export type ScaleBarLayout = {
  backing: { x: number; y: number; w: number; h: number };
  /** Baseline of the "0" and length labels above the bar. */
  labelY: number;
  lengthLabelX: number;
  fractionX: number;
  fractionY: number;
};

/**
 * Lays out a scale bar whose left end is at (x, y) (its top edge) and `barPx` long: the length label
 * ends over the bar's right end, the fraction starts clear of the bar and of that label, and the
 * backing is sized on the measured text widths (`mm` is one millimetre in device pixels).
 */
export function scaleBarLayout(input: {
  x: number;
  y: number;
  barPx: number;
  lengthLabelW: number;
  fractionW: number;
  mm: number;
}): ScaleBarLayout {
  const { x, y, barPx, mm } = input;
  const lengthLabelX = Math.max(x + mm, x + barPx - input.lengthLabelW / 2);
  const fractionX = Math.max(x + barPx, lengthLabelX + input.lengthLabelW) + 3 * mm;
  const left = x - 2 * mm;
  const right = fractionX + input.fractionW + 2 * mm;
  return {
    backing: { x: left, y: y - 5 * mm, w: right - left, h: 9 * mm },
    labelY: y - mm,
    lengthLabelX,
    fractionX,
    fractionY: y + 1.5 * mm,
  };
}
