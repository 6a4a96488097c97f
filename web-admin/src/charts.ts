/** Grouped bar charts in inline SVG, one slot per UTC hour (no chart library: 24 bars need none). */
const SVG = 'http://www.w3.org/2000/svg';

export interface Series {
  name: string;
  color: string;
  /** 24 values, one per hour. */
  values: number[];
}

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function barChart(testId: string, label: string, series: Series[], width = 760, height = 220): SVGSVGElement {
  const svg = el('svg', { width, height, role: 'img', 'aria-label': label, 'data-testid': testId }) as SVGSVGElement;
  const left = 36;
  const bottom = 20;
  const plotH = height - bottom - 8;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const slot = (width - left) / 24;
  const barW = (slot - 4) / series.length;
  for (const tick of [0, max / 2, max]) {
    const y = 8 + plotH - (tick / max) * plotH;
    svg.append(el('line', { x1: left, x2: width, y1: y, y2: y, stroke: '#eee' }));
    svg.append(el('text', { x: left - 4, y: y + 3, 'text-anchor': 'end' }, String(Math.round(tick * 10) / 10)));
  }
  for (let hour = 0; hour < 24; hour++) {
    series.forEach((s, i) => {
      const v = s.values[hour] ?? 0;
      const barH = (v / max) * plotH;
      const rect = el('rect', { x: left + hour * slot + 2 + i * barW, y: 8 + plotH - barH, width: barW, height: barH, fill: s.color, 'data-hour': hour, 'data-series': s.name, 'data-value': v });
      rect.append(el('title', {}, `${String(hour).padStart(2, '0')}:00 ${s.name}: ${v}`));
      svg.append(rect);
    });
    svg.append(el('text', { x: left + hour * slot + slot / 2, y: height - 6, 'text-anchor': 'middle' }, String(hour)));
  }
  return svg;
}
