export { chartId } from "./chart-id.js";
export { chooseCharts, MAX_COLUMN_CHARTS } from "./choose-charts.js";
export { boxChart, lineChart, MAX_BOX_GROUPS, MAX_CHART_POINTS, scatterChart } from "./data-charts.js";
export {
  columnKinds,
  crosstabChart,
  hypothesisChartId,
  hypothesisCharts,
  MAX_CROSSTAB_LEVELS,
} from "./hypothesis-charts.js";
export { svgToPng } from "./render-png.js";
export { ChartDataNotInline, renderSvg } from "./render-svg.js";
export * from "./spec-builders.js";
