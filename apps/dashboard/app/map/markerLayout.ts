// Where to draw map markers so that containers at one site never hide each other: pure, in screen pixels.

export interface ScreenPoint {
  key: string;
  x: number;
  y: number;
}

export interface PlacedPoint {
  x: number;
  y: number;
  groupSize: number;
}

/**
 * Groups markers whose points lie closer than two radii (each joins the first group whose anchor is that close,
 * in key order, so the same containers always land in the same places) and fans each group of n > 1 out on a ring
 * around its centre, first one at twelve o'clock, clockwise.
 * `radius` is the marker radius in pixels.
 */
export function spreadColocated(points: readonly ScreenPoint[], radius: number): Map<string, PlacedPoint> {
  const sorted = [...points].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const groups: { x: number; y: number; members: ScreenPoint[] }[] = [];
  for (const point of sorted) {
    const group = groups.find((candidate) => Math.hypot(candidate.x - point.x, candidate.y - point.y) < radius * 2);
    if (group) group.members.push(point);
    else groups.push({ x: point.x, y: point.y, members: [point] });
  }
  const placed = new Map<string, PlacedPoint>();
  for (const { members } of groups) {
    const count = members.length;
    const centreX = members.reduce((sum, member) => sum + member.x, 0) / count;
    const centreY = members.reduce((sum, member) => sum + member.y, 0) / count;
    // Neighbours on the ring sit a marker's width plus a gap apart; two markers still get a visible gap.
    const ring = count === 1 ? 0 : Math.max(radius * 1.6, (count * (radius * 2 + 3)) / (2 * Math.PI));
    members.forEach((member, index) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * index) / count;
      placed.set(member.key, {
        x: count === 1 ? member.x : centreX + Math.cos(angle) * ring,
        y: count === 1 ? member.y : centreY + Math.sin(angle) * ring,
        groupSize: count,
      });
    });
  }
  return placed;
}
