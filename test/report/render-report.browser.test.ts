/**
 * The report in a real browser: headless Chromium opens a rendered report from a file:// URL
 * over the DevTools protocol (test/report/cdp.ts) and we check that the page loads with no
 * console error, exception or network request, that every chart drew something visible and
 * kept its labels inside its box, and that the page does not overflow sideways. A full-page
 * screenshot is kept at test-artifacts/report.png (with the HTML beside it) for a human look.
 *
 * Skipped, with a message, when Chromium is absent (Debian package `chromium`; the path can
 * be overridden with KHOP_CHROMIUM). Every CDP wait has a timeout and the browser is killed
 * in `finally` (and again in afterAll), so the test cannot hang.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/render-report.js';
import { CdpBrowser, type CdpEvent } from './cdp.js';
import { sampleReportData } from './sample-data.js';

const CHROMIUM = process.env.KHOP_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`[report] real-browser test SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium, or set KHOP_CHROMIUM)`);
}

const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-artifacts');
const VIEWPORT_WIDTH = 820;

/** What the page reports about its charts (evaluated in the browser). */
const INSPECT = `(() => {
  const chart = (svg) => {
    const r = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    let drawn = 0;
    for (const el of svg.querySelectorAll('rect, path, line, circle')) {
      const b = el.getBBox();
      const visible = el.tagName === 'line' ? b.width > 0 || b.height > 0 : b.width > 0 && b.height > 0;
      if (visible) drawn++;
    }
    const outside = [];
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.width === 0 || b.x < -0.5 || b.y < -0.5 || b.x + b.width > vb.width + 0.5 || b.y + b.height > vb.height + 0.5) outside.push(t.textContent);
    }
    const title = svg.querySelector('title');
    return { cls: svg.getAttribute('class'), title: title ? title.textContent : '', width: r.width, height: r.height, drawn, outside };
  };
  return {
    title: document.title,
    scripts: document.querySelectorAll('script').length,
    charts: [...document.querySelectorAll('svg.chart')].map(chart),
    bars: [...document.querySelectorAll('svg.wbar')].map(chart),
    sections: [...document.querySelectorAll('main > section')].map((s) => s.id),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  };
})()`;

interface ChartInfo {
  cls: string;
  title: string;
  width: number;
  height: number;
  drawn: number;
  outside: string[];
}

let browser: CdpBrowser | undefined;
afterAll(async () => {
  await browser?.close(); // backstop: normally closed in the test's finally
});

describe('report in headless Chromium', () => {
  it.skipIf(!hasChromium)(
    'loads without errors or requests, draws every chart, and is screenshotted',
    async () => {
      const data = sampleReportData();
      const html = renderReport(data);
      const work = mkdtempSync(join(tmpdir(), 'khop-report-'));
      const profile = join(work, 'profile');
      mkdirSync(profile);
      const file = join(work, 'report.html');
      writeFileSync(file, html);
      const url = pathToFileURL(file).href;

      const problems: string[] = [];
      const requests: string[] = [];
      try {
        browser = CdpBrowser.launch({ executable: CHROMIUM, userDataDir: profile });
        const b = browser;
        const session = await b.newPage();
        b.onEvent((e: CdpEvent) => {
          if (e.sessionId !== session) return;
          const p = e.params as Record<string, any>;
          if (e.method === 'Runtime.exceptionThrown') problems.push(`exception: ${JSON.stringify(p.exceptionDetails?.text)}`);
          else if (e.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert')) problems.push(`console.${p.type}: ${JSON.stringify(p.args)}`);
          else if (e.method === 'Log.entryAdded' && p.entry?.level === 'error') problems.push(`log: ${p.entry.text}`);
          else if (e.method === 'Network.requestWillBeSent') requests.push(String(p.request?.url));
        });
        await b.send('Page.enable', {}, session);
        await b.send('Runtime.enable', {}, session);
        await b.send('Log.enable', {}, session);
        await b.send('Network.enable', {}, session);
        await b.send('Emulation.setDeviceMetricsOverride', { width: VIEWPORT_WIDTH, height: 1000, deviceScaleFactor: 1, mobile: false }, session);
        const loaded = b.waitForEvent('Page.loadEventFired', session, 20_000);
        const nav = await b.send('Page.navigate', { url }, session);
        expect(nav.errorText).toBeUndefined();
        await loaded;

        const res = await b.send('Runtime.evaluate', { expression: INSPECT, returnByValue: true }, session);
        expect(res.exceptionDetails).toBeUndefined();
        const page = (res.result as { value: any }).value as {
          title: string;
          scripts: number;
          charts: ChartInfo[];
          bars: ChartInfo[];
          sections: string[];
          scrollWidth: number;
          innerWidth: number;
        };

        const metrics = await b.send('Page.getLayoutMetrics', {}, session);
        const size = metrics.cssContentSize as { width: number; height: number };
        const shot = await b.send(
          'Page.captureScreenshot',
          { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width: size.width, height: size.height, scale: 1 } },
          session,
          30_000,
        );
        mkdirSync(ARTIFACTS, { recursive: true });
        writeFileSync(join(ARTIFACTS, 'report.png'), Buffer.from(shot.data as string, 'base64'));
        writeFileSync(join(ARTIFACTS, 'report.html'), html);

        expect(problems).toEqual([]);
        expect(requests.every((r) => r === url)).toBe(true);
        expect(page.title).toBe(data.title);
        expect(page.scripts).toBe(0);
        expect(page.sections).toEqual(['summary', 'weights', 'levels', 'clusters', 'blocking', 'waterfalls']);
        // 1 histogram + 1 cluster chart + 1 blocking chart + one waterfall per sample pair.
        expect(page.charts.map((c) => c.cls)).toEqual([
          'chart histogram',
          'chart clusters',
          'chart blocking',
          ...data.waterfalls.map(() => 'chart waterfall'),
        ]);
        for (const c of page.charts) {
          expect(c.title.length, c.cls).toBeGreaterThan(0);
          expect(c.width, c.cls).toBeGreaterThan(100);
          expect(c.height, c.cls).toBeGreaterThan(50);
          expect(c.drawn, c.cls).toBeGreaterThanOrEqual(3);
          expect(c.outside, `${c.cls}: labels outside the chart`).toEqual([]);
        }
        const levelCount = data.comparisons.reduce((n, c) => n + c.levels.length, 0);
        expect(page.bars.length).toBe(levelCount);
        for (const bar of page.bars) {
          expect(bar.width).toBeGreaterThan(0);
          expect(bar.drawn).toBeGreaterThanOrEqual(1);
        }
        expect(page.scrollWidth).toBeLessThanOrEqual(page.innerWidth);
        expect(size.height).toBeGreaterThan(1000);
      } finally {
        await browser?.close();
        browser = undefined;
        rmSync(work, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
