/**
 * The shared benchmark report: {@link dev.wirespeed.apps.report.HtmlReport} writes one self-contained HTML file
 * (uPlot and the data inlined, no network needed) from plain data: tables, {@link dev.wirespeed.apps.report.Series}
 * over time and {@link dev.wirespeed.apps.report.PercentileSeries} latency distributions. {@code load} and
 * {@code nicbench rfc2544} use it.
 */
package dev.wirespeed.apps.report;
