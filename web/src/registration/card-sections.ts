// What a card offers signed-in people on top of the attributes: a growing area's lifecycle (staff),
// a plot's farm diary, and the correction of a plot's farmer (staff). Fetched apart from the page (web/src/ui/details-panel.ts loads it), so a
// guest — a planner browsing, a farmer looking up a card code on a weak link — never downloads the
// registry's forms, inspections and photo handling.
export { LifecycleCard } from './lifecycle-card.ts';
export { PlotDiary } from './plot-diary.ts';
export { openFarmerForm } from './farmer-form.ts';
