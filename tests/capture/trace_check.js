// Checks a Chrome Trace Event JSON timeline written by libprofile-capture
// for the preload_timeline workload (tests/interop/capture_trace.sh).
//
//   node trace_check.js FILE [SECONDS]
//
// Fails (exit 1, one line) unless: the file parses; a process_name and a
// thread_name metadata event name the process and every thread that has
// slices, "busy" and "pulse" among them; the "X" slices of each thread
// are in time order and do not overlap; at least 90% of the busy thread's
// time is in slices whose stack holds timeline_busy (pulse: timeline_pulse);
// with SECONDS, the slices end within that window.
'use strict';
const fs = require('fs');
const [file, secArg] = process.argv.slice(2);
const fail = (msg) => { console.log(`FAIL: ${file}: ${msg}`); process.exit(1); };
let doc;
try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
    fail(`does not parse: ${e.message}`);
}
const ev = doc.traceEvents;
if (!Array.isArray(ev)) fail('no traceEvents array');
const proc = ev.filter((e) => e.ph === 'M' && e.name === 'process_name');
if (proc.length !== 1 || typeof proc[0].args.name !== 'string' || !proc[0].args.name)
    fail('no process_name metadata');
const names = new Map();
for (const e of ev)
    if (e.ph === 'M' && e.name === 'thread_name') names.set(e.tid, e.args.name);
const byTid = new Map();
for (const e of ev) {
    if (e.ph !== 'X') continue;
    if (typeof e.ts !== 'number' || typeof e.dur !== 'number' || e.dur <= 0 || e.ts < 0)
        fail(`bad slice ${JSON.stringify(e)}`);
    if (e.pid !== proc[0].pid) fail(`slice of another pid ${e.pid}`);
    if (!byTid.has(e.tid)) byTid.set(e.tid, []);
    byTid.get(e.tid).push(e);
}
let end = 0;
for (const [tid, xs] of byTid) {
    if (!names.has(tid)) fail(`thread ${tid} has slices but no thread_name`);
    for (let i = 1; i < xs.length; i++) {
        if (xs[i].ts < xs[i - 1].ts) fail(`thread ${tid}: slices out of order at ${xs[i].ts}`);
        if (xs[i - 1].ts + xs[i - 1].dur > xs[i].ts + 0.001)
            fail(`thread ${tid}: slices overlap at ${xs[i].ts}`);
    }
    for (const x of xs) end = Math.max(end, x.ts + x.dur);
}
// busy never stops, so on a quiet machine its samples join into one
// slice; pulse sleeps 30 ms of every 50, so it always has several.
for (const [tname, fn, minSlices] of [['busy', 'timeline_busy', 1],
                                      ['pulse', 'timeline_pulse', 2]]) {
    const tids = [...names].filter(([, n]) => n === tname).map(([t]) => t);
    if (tids.length !== 1) fail(`no single thread named ${tname}`);
    const xs = byTid.get(tids[0]) || [];
    if (xs.length < minSlices) fail(`thread ${tname}: ${xs.length} slices`);
    let all = 0, inFn = 0;
    for (const x of xs) {
        all += x.dur;
        if (x.args && Array.isArray(x.args.stack) && x.args.stack.includes(fn)) inFn += x.dur;
    }
    if (tname === 'busy' && all < 100000)
        fail(`thread busy: only ${(all / 1000).toFixed(1)} ms of slices`);
    if (inFn < 0.9 * all) fail(`thread ${tname}: ${(100 * inFn / all).toFixed(1)}% of its time in ${fn}`);
    console.log(`${tname}: ${xs.length} slices, ${(all / 1000).toFixed(1)} ms, ` +
                `${(100 * inFn / all).toFixed(1)}% in ${fn}`);
}
if (secArg) {
    const win = Number(secArg) * 1e6;
    if (end > win * 1.15 + 50000) fail(`slices end at ${end} us, after the ${secArg} s window`);
    if (end < win * 0.5) fail(`slices end at ${end} us, early in the ${secArg} s window`);
    console.log(`window ${secArg} s: slices end at ${(end / 1e6).toFixed(3)} s`);
}
