/* Flame graph page (report_flame.c embeds this file after the data).
 *
 * The data (see docs/FLAMEGRAPH.md) is the pruned call tree in
 * depth-first order: names[n[i]] is node i's frame, d[i] its depth,
 * c[t][i] / f[t][i] its cum / flat in sample type t, and for a diff
 * bc / bf the base side. Frames are absolutely placed divs whose text
 * is the frame name; only frames at least MINPX wide are created. */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('fg-data').textContent);
  var ROW = 18, MINPX = 0.5;
  var N = D.n.length;
  var kids = new Array(N), parent = new Int32Array(N), maxDepth = 0;
  var i, stack = [];
  for (i = 0; i < N; i++) {
    kids[i] = [];
    while (stack.length > D.d[i]) stack.pop();
    parent[i] = stack.length ? stack[stack.length - 1] : -1;
    if (parent[i] >= 0) kids[parent[i]].push(i);
    stack.push(i);
    if (D.d[i] > maxDepth) maxDepth = D.d[i];
  }
  var st = { t: D.index, zoom: 0, flame: false, re: null };

  /* --- values and their text, as pprof prints them --- */
  function cum(i) { return D.c[st.t][i]; }
  function flat(i) { return D.f[st.t][i]; }
  function bcum(i) { return D.diff ? D.bc[st.t][i] : 0; }
  function bflat(i) { return D.diff ? D.bf[st.t][i] : 0; }
  /* A diff frame is as wide as base and new together: nested frames
   * always fit, and a frame gone from one side stays visible. */
  function width(i) { return Math.abs(cum(i)) + Math.abs(bcum(i)); }
  function trim2(x) {
    var s = x.toFixed(2);
    return s.slice(-3) === '.00' ? s.slice(0, -3) : s;
  }
  function fmt(v) {
    var ty = D.types[st.t], u = ty.units, a = Math.abs(v), best = -1, j, s;
    if (v === 0) return '0';
    if (!u.length) s = trim2(a);
    else {
      for (j = 0; j < u.length; j++)
        if (a / u[j][1] >= 1 && (best < 0 || u[j][1] >= u[best][1])) best = j;
      if (best < 0) best = ty.def;
      s = trim2(a / u[best][1]) + u[best][0];
    }
    return (v < 0 ? '-' : '') + s;
  }
  function pct(v, total) {
    var r = total ? Math.abs(v / total) * 100 : 0, s;
    if (r >= 99.95 && r <= 100.05) return '100%';
    if (r >= 1) return r.toFixed(2) + '%';
    if (r === 0) return '0%';
    if (r < 1e-4) {
      s = r.toExponential(1).replace(/\.0e/, 'e').replace(/e([+-])(\d)$/, 'e$10$2');
      return s + '%';
    }
    return String(parseFloat(r.toPrecision(2))) + '%';
  }
  function total() { return D.types[st.t].total; }

  /* --- page skeleton --- */
  var root = document.getElementById('fg');
  function el(tag, attrs, text) {
    var e = document.createElement(tag), k;
    for (k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  var bar = el('div', { id: 'fg-bar' });
  var reset = el('button', { id: 'fg-reset', type: 'button' }, 'Reset zoom');
  var sel = el('select', { id: 'fg-type', title: 'sample type' });
  D.types.forEach(function (ty, k) {
    var o = el('option', { value: String(k) }, ty.type + ' (' + ty.unit + ')');
    if (k === st.t) o.selected = true;
    sel.appendChild(o);
  });
  var orient = el('button', { id: 'fg-orient', type: 'button' });
  var search = el('input', { id: 'fg-search', type: 'search',
                             placeholder: 'Search (regexp)', spellcheck: 'false' });
  var match = el('span', { id: 'fg-match' });
  [reset, sel, orient, search, match].forEach(function (e) { bar.appendChild(e); });
  var crumbs = el('div', { id: 'fg-crumbs' });
  var info = el('div', { id: 'fg-info' });
  var chart = el('div', { id: 'fg-chart' });
  var tip = el('div', { id: 'fg-tip' });
  tip.hidden = true;
  [bar, crumbs, info, chart].forEach(function (e) { root.appendChild(e); });
  document.body.appendChild(tip);

  /* --- colours --- */
  function hash(s) {
    var h = 2166136261, j;
    for (j = 0; j < s.length; j++) h = Math.imul(h ^ s.charCodeAt(j), 16777619);
    return h >>> 0;
  }
  function colour(i) {
    var name = D.names[D.n[i]], h;
    if (D.diff) {
      var n = Math.abs(cum(i)), b = Math.abs(bcum(i)), m = Math.max(n, b);
      /* any change gets at least a visible tint */
      var a = m && n !== b ? 0.15 + 0.85 * Math.min(1, Math.abs(n - b) / m) : 0;
      var lo = Math.round(232 - 172 * a);
      if (n > b) return 'rgb(255,' + lo + ',' + lo + ')';
      if (n < b) return 'rgb(' + lo + ',' + lo + ',255)';
      return 'rgb(232,232,232)';
    }
    h = hash(name);
    return 'hsl(' + (h % 55) + ',' + (78 + (h >>> 8) % 18) + '%,' +
      (56 + (h >>> 16) % 14) + '%)';
  }

  /* a strongly coloured diff frame gets white text */
  function dark(i) {
    var n = Math.abs(cum(i)), b = Math.abs(bcum(i)), m = Math.max(n, b);
    return m > 0 && Math.abs(n - b) / m > 0.5;
  }

  /* --- drawing --- */
  function isHit(i) { return i > 0 && st.re !== null && st.re.test(D.names[D.n[i]]); }
  function render() {
    var W = chart.clientWidth, H = (maxDepth + 1) * ROW, frag = document.createDocumentFragment();
    var z = st.zoom, path = [], p, scale, todo;
    chart.textContent = '';
    chart.style.height = H + 'px';
    for (p = z; p >= 0; p = parent[p]) path.unshift(p);
    function put(node, x, w, anc) {
      var e = document.createElement('div'), d = D.d[node];
      e.className = 'fg-frame' + (anc ? ' fg-anc' : '') + (isHit(node) ? ' fg-hit' : '');
      e.style.left = x + 'px';
      e.style.width = w + 'px';
      e.style.top = (st.flame ? H - (d + 1) * ROW : d * ROW) + 'px';
      e.style.background = colour(node);
      if (D.diff && dark(node)) e.style.color = '#fff';
      e.setAttribute('data-i', String(node));
      e.textContent = node === 0 ? 'root' : D.names[D.n[node]];
      frag.appendChild(e);
    }
    path.forEach(function (a) { if (a !== z) put(a, 0, W, true); });
    scale = width(z) > 0 ? W / width(z) : 0;
    put(z, 0, W, false);
    todo = [[z, 0, W]];
    while (todo.length) {
      var it = todo.pop(), x = it[1], end = it[1] + it[2], ks = kids[it[0]], j;
      for (j = 0; j < ks.length; j++) {
        var w = Math.min(width(ks[j]) * scale, end - x);
        if (w >= MINPX) {
          put(ks[j], x, w, false);
          todo.push([ks[j], x, w]);
        }
        x += w;
      }
    }
    chart.appendChild(frag);
    renderCrumbs(path);
    renderInfo();
  }
  function renderCrumbs(path) {
    crumbs.textContent = '';
    path.forEach(function (a, k) {
      if (k) crumbs.appendChild(el('span', { 'class': 'fg-sep' }, ' \u203a '));
      var s = el('span', { 'class': 'fg-crumb', 'data-i': String(a) },
                 a === 0 ? 'root' : D.names[D.n[a]]);
      crumbs.appendChild(s);
    });
  }
  function renderInfo() {
    var ty = D.types[st.t], s;
    s = 'Total ' + ty.type + ': ' + fmt(ty.total);
    if (D.diff) s += ' (base; new: ' + fmt(cum(0)) + ', ' +
      signed(cum(0) - bcum(0)) + ')';
    if (D.prunedPaths)
      s += '. Not drawn: ' + D.prunedPaths + ' call paths thinner than 1/' +
        D.prune + ' of the total in every sample type, with their callees (' +
        fmt(ty.pruned) + ', ' + pct(ty.pruned, D.diff ? cum(0) + bcum(0) : ty.total) + ').';
    info.textContent = s;
    if (D.diff) {
      var lg = el('div', { id: 'fg-legend' });
      lg.appendChild(el('span', { style: 'background:rgb(255,60,60);color:#fff' }, 'grew'));
      lg.appendChild(el('span', { style: 'background:rgb(60,60,255);color:#fff' }, 'shrank'));
      lg.appendChild(el('span', { style: 'background:rgb(232,232,232)' }, 'unchanged'));
      lg.appendChild(document.createTextNode(
        'width: base + new; colour: (new - base) / max(base, new)'));
      info.appendChild(lg);
    }
  }
  function signed(v) { return (v > 0 ? '+' : '') + fmt(v); }

  /* --- search: a sample counts once, at its outermost matching frame --- */
  function doSearch() {
    var q = search.value, sum = 0, bsum = 0, md = -1, j, s;
    search.classList.remove('fg-bad');
    st.re = null;
    match.textContent = '';
    match.removeAttribute('data-value');
    if (q !== '') {
      try { st.re = new RegExp(q); } catch (e) {
        search.classList.add('fg-bad');
        match.textContent = 'bad regexp';
      }
    }
    if (st.re) {
      for (j = 1; j < N; j++) {
        if (md >= 0 && D.d[j] <= md) md = -1;
        if (md < 0 && st.re.test(D.names[D.n[j]])) {
          sum += cum(j);
          bsum += bcum(j);
          md = D.d[j];
        }
      }
      s = 'Matched: ' + fmt(sum) + ' (' + pct(sum, total()) + ')';
      if (D.diff) s = 'Matched: new ' + fmt(sum) + ', base ' + fmt(bsum) +
        ' (' + signed(sum - bsum) + ')';
      if (D.prunedPaths) s += ', in the drawn paths';
      match.textContent = s;
      match.setAttribute('data-value', String(sum));
      match.setAttribute('data-pct', pct(sum, total()));
    }
    render();
  }

  /* --- tooltip --- */
  function tipText(i) {
    var name = i === 0 ? 'root' : D.names[D.n[i]], T = total(), s;
    if (!D.diff)
      return name + '\ncum: ' + fmt(cum(i)) + ' (' + pct(cum(i), T) + ')' +
        '\nflat: ' + fmt(flat(i)) + ' (' + pct(flat(i), T) + ')';
    var n = cum(i), b = bcum(i), dl = n - b;
    s = name + '\nbase: ' + fmt(b) + ' (' + pct(b, T) + ')' +
      '\nnew: ' + fmt(n) + ' (' + pct(n, T) + ')' +
      '\ndelta: ' + signed(dl) + ' (' +
      (b ? (dl >= 0 ? '+' : '-') + pct(dl, b) : 'new') + ')' +
      '\nflat base: ' + fmt(bflat(i)) + ', flat new: ' + fmt(flat(i));
    return s;
  }
  function frameOf(e) {
    var f = e.target.closest ? e.target.closest('[data-i]') : null;
    return f ? parseInt(f.getAttribute('data-i'), 10) : -1;
  }
  chart.addEventListener('mousemove', function (e) {
    var i = frameOf(e);
    if (i < 0) { tip.hidden = true; return; }
    tip.textContent = tipText(i);
    tip.hidden = false;
    var x = e.clientX + 12, y = e.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth) x = Math.max(0, window.innerWidth - tip.offsetWidth - 4);
    if (y + tip.offsetHeight > window.innerHeight) y = e.clientY - tip.offsetHeight - 8;
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  });
  chart.addEventListener('mouseleave', function () { tip.hidden = true; });
  function zoomTo(e) {
    var i = frameOf(e);
    if (i >= 0) { st.zoom = i; render(); }
  }
  chart.addEventListener('click', zoomTo);
  crumbs.addEventListener('click', zoomTo);
  reset.addEventListener('click', function () { st.zoom = 0; render(); });
  sel.addEventListener('change', function () {
    st.t = parseInt(sel.value, 10);
    doSearch();
  });
  function orientLabel() {
    orient.textContent = st.flame ? 'Icicle (root at top)' : 'Flame (root at bottom)';
    chart.setAttribute('data-orient', st.flame ? 'flame' : 'icicle');
  }
  orient.addEventListener('click', function () {
    st.flame = !st.flame;
    orientLabel();
    render();
  });
  search.addEventListener('input', doSearch);
  var resizeTimer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(render, 100);
  });
  orientLabel();
  render();
  document.body.setAttribute('data-fg-ready', '1');
})();
