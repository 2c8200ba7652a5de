/// The points waterfall as data (pure: no DOM): base points, one step per feature (largest
/// first, the rest pooled), the score. Points by feature come from the engine
/// (points_by_feature, base_points + sum = points); this only orders, pools and labels them.

export interface PointsStep {
  feature: string;
  /// Full label, never cut: "Credit amount (DM) = 25000".
  label: string;
  points: number;
  /// Running total before and after this step.
  from: number;
  to: number;
}

export interface PointsWaterfall {
  basePoints: number;
  steps: PointsStep[];
  points: number;
}

export function pointsWaterfall(
  basePoints: number,
  byFeature: Record<string, number>,
  labelOf: (feature: string) => string,
  maxSteps = 10,
): PointsWaterfall {
  const entries = Object.entries(byFeature).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || a[0].localeCompare(b[0]));
  const shown = entries.slice(0, maxSteps);
  const rest = entries.slice(maxSteps);
  const items = shown.map(([feature, points]) => ({ feature, label: labelOf(feature), points }));
  if (rest.length > 0) items.push({ feature: '', label: `${rest.length} other features`, points: rest.reduce((s, x) => s + x[1], 0) });
  let cum = basePoints;
  const steps = items.map((it) => {
    const from = cum;
    cum += it.points;
    return { ...it, from, to: cum };
  });
  return { basePoints, steps, points: cum };
}

/// Splits a label into lines of at most `width` characters at spaces (a word longer than the width
/// stays whole): chart axis labels wrap instead of being cut.
export function wrapLabel(text: string, width = 28): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}
