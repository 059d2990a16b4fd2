// SmartCam live page. One WebSocket per tab carries everything (pictures, detections, events,
// status): a browser allows only 6 connections per host, so many open tabs must not each hold several.
'use strict';

(function () {
  const MAX_EVENTS = 200;
  const MAX_BACKOFF_MS = 10000;
  // Latency rows in pipeline order; stages the server adds later follow these.
  const STAGES = ['wait', 'capture', 'pre', 'infer', 'post', 'publish', 'capture_to_publish', 'capture_to_output'];

  const params = new URLSearchParams(location.search);
  const token = params.get('token'); // carried onto every request the page makes

  let el = null;                // the page's elements, once the DOM is there
  let camera = params.get('camera') || null;
  let ws = null;                // the one socket; a replaced socket's handlers see ws !== socket and do nothing
  let backoffMs = 1000;
  let retryTimer = 0;
  let generation = 0;           // +1 per camera switch: a frame of the previous camera is never drawn
  let scene = { zones: [], lines: [], outputs: [] };
  let events = [];              // oldest first, as the server sends them
  let outputLevels = {};
  let pendingFrame = null;      // a frame header waiting for the JPEG that follows it
  let latestFrame = null;       // newest complete frame not drawn yet; a newer one replaces it (drops the older)
  let drawing = false;
  let framesDrawn = 0;
  let statusSeen = 0;

  /** A same-origin URL for path (relative to the page, so a path prefix of a proxy still works), with the token. */
  function pageUrl(path, extra) {
    const url = new URL(path, location.href);
    for (const [k, v] of Object.entries(extra || {})) url.searchParams.set(k, v);
    if (token !== null) url.searchParams.set('token', token);
    return url;
  }

  function start() {
    const $ = (id) => document.getElementById(id);
    el = {
      title: $('title'), conn: $('conn'), choice: $('camera-choice'), select: $('camera-select'),
      canvas: $('view'), noPicture: $('no-picture'),
      state: $('st-state'), mode: $('st-mode'), fps: $('st-fps'), processed: $('st-processed'), dropped: $('st-dropped'), frame: $('st-frame'),
      latency: document.querySelector('#latency tbody'), outputs: $('outputs'),
      eventList: $('event-list'), drawn: $('drawn'), events: $('events'),
    };
    el.select.addEventListener('change', () => switchCamera(el.select.value));
    setTitle();
    chooseCamera();
  }

  // ---- cameras -------------------------------------------------------------------------------

  async function listCameras() {
    try {
      const response = await fetch(pageUrl('api/cameras'), { cache: 'no-store' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const body = await response.json();
      return Array.isArray(body.cameras) ? body.cameras.map(String) : [];
    } catch (e) {
      console.warn('GET api/cameras failed:', e);
      return null;
    }
  }

  /** The camera list fills the selector; ?camera= wins, else the first camera listed. */
  async function chooseCamera() {
    const cameras = await listCameras();
    if (cameras) fillSelector(cameras);
    if (!camera && cameras && cameras.length > 0) camera = cameras[0];
    if (camera) {
      setTitle();
      connect();
      return;
    }
    setConn('closed', (cameras ? 'no cameras' : 'cannot list cameras') + ', retrying in ' + backoffMs / 1000 + ' s');
    retryTimer = setTimeout(chooseCamera, nextBackoff());
  }

  function fillSelector(cameras) {
    const ids = camera && !cameras.includes(camera) ? [camera, ...cameras] : cameras;
    el.select.replaceChildren(...ids.map((id) => new Option(id, id, false, id === (camera || ids[0]))));
    el.choice.hidden = ids.length < 2; // a selector only when there is a choice
  }

  function switchCamera(id) {
    if (!id || id === camera) return;
    camera = id;
    // Keep the choice in the address (a reload stays on it); the token stays there too.
    const address = new URL(location.href);
    address.searchParams.set('camera', id);
    history.replaceState(null, '', address);
    const old = ws;
    ws = null; // first, so that the old socket's close does not schedule a reconnect
    if (old) old.close(1000, 'camera switch');
    generation++;
    pendingFrame = latestFrame = null;
    resetView();
    backoffMs = 1000;
    connect();
  }

  // ---- the socket ----------------------------------------------------------------------------

  function nextBackoff() {
    const wait = backoffMs;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS); // 1, 2, 4, 8, 10, 10 ... s
    return wait;
  }

  function connect() {
    clearTimeout(retryTimer);
    const http = pageUrl('api/live', { camera });
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + http.host + http.pathname + http.search;
    pendingFrame = null;
    setConn('connecting', 'connecting…');
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (e) {
      console.warn('WebSocket failed:', e);
      scheduleReconnect();
      return;
    }
    socket.binaryType = 'arraybuffer';
    ws = socket;
    socket.onopen = () => { if (ws === socket) setConn('open', 'connected'); };
    socket.onmessage = (e) => { if (ws === socket) onMessage(e.data); };
    // An error is always followed by close, which does the work.
    socket.onclose = () => {
      if (ws !== socket) return; // replaced on purpose
      ws = null;
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    const wait = nextBackoff();
    setConn('closed', 'disconnected, retrying in ' + wait / 1000 + ' s');
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, wait);
  }

  function onMessage(data) {
    if (typeof data !== 'string') {
      // Binary: the JPEG of the frame header that came just before it (never one on its own).
      if (!pendingFrame) return;
      latestFrame = { ...pendingFrame, jpeg: new Blob([data], { type: 'image/jpeg' }) };
      pendingFrame = null;
      if (!drawing) drawLoop();
      return;
    }
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (e) {
      console.warn('not JSON:', data.slice(0, 200));
      return;
    }
    switch (msg.kind) {
      case 'hello': onHello(msg); break;
      case 'frame': pendingFrame = { seq: msg.seq, det: msg.det ?? null, generation }; break;
      case 'evt': if (msg.msg) addEvent(msg.msg, true); break;
      case 'status': onStatus(msg.msg); break;
      default: break; // kinds added later are ignored
    }
  }

  function onHello(msg) {
    backoffMs = 1000; // the server is really there: the next failure starts the backoff again
    setConn('open', 'live');
    if (msg.camera) camera = String(msg.camera);
    setTitle();
    scene = msg.scene || {};
    outputLevels = {};
    renderOutputs();
    // A reconnect gets the recent events again, so they replace the list rather than add to it.
    events = [];
    el.eventList.replaceChildren();
    for (const evt of (msg.events || []).slice(-MAX_EVENTS)) addEvent(evt, false);
    publishEvents();
    refreshThumbnails();
  }

  // ---- pictures ------------------------------------------------------------------------------

  /** Draws the newest frame; frames that arrive while one is being decoded replace each other, so only the latest is drawn. */
  async function drawLoop() {
    drawing = true;
    try {
      while (latestFrame) {
        const frame = latestFrame;
        latestFrame = null;
        let bitmap;
        try {
          bitmap = await createImageBitmap(frame.jpeg);
        } catch (e) {
          console.warn('frame', frame.seq, 'is not a picture:', e);
          continue;
        }
        try {
          if (frame.generation === generation) render(frame, bitmap);
        } finally {
          bitmap.close();
        }
      }
    } finally {
      drawing = false;
    }
  }

  function render(frame, bitmap) {
    const canvas = el.canvas;
    const ctx = canvas.getContext('2d');
    // The canvas has the picture's own size (CSS scales it to the window); resizing clears it, so only on a change.
    if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
    }
    ctx.drawImage(bitmap, 0, 0);
    const w = canvas.width, h = canvas.height;
    // Text and lines keep about one size on the screen, whatever the picture's size and the window's (scale: CSS px
    // per canvas px); text never under 10 canvas px, which a small picture blown up would make unreadable.
    const scale = canvas.clientWidth > 0 && canvas.clientHeight > 0 ? Math.min(canvas.clientWidth / w, canvas.clientHeight / h) : 1;
    const style = { font: Math.max(10, Math.round(15 / scale)), line: Math.max(1, 2 / scale) };
    drawScene(ctx, w, h, style);

    // Boxes only from the detections of this very frame: a box must never sit on another picture.
    const det = frame.det && frame.det.seq === frame.seq ? frame.det : null;
    if (frame.det && !det) console.warn('frame', frame.seq, 'came with the detections of', frame.det.seq, ': no boxes drawn');
    const detections = det && Array.isArray(det.detections) ? det.detections : [];
    // Boxes are in source pixels; the JPEG may have been scaled.
    const sx = det && det.width ? w / det.width : 1;
    const sy = det && det.height ? h / det.height : 1;
    for (const d of detections) drawBox(ctx, d, sx, sy, style);

    framesDrawn++;
    el.noPicture.hidden = true;
    el.frame.textContent = '#' + frame.seq + (det ? ', ' + detections.length + ' det' + (det.model ? ', ' + det.model : '') : '');
    el.drawn.textContent = JSON.stringify({
      seq: frame.seq, width: w, height: h,
      boxes: detections.map((d) => ({ track_id: d.track_id ?? null, label: d.label ?? null, score: d.score ?? null, box: d.box })),
    });
    document.body.dataset.framesDrawn = String(framesDrawn);
  }

  function drawScene(ctx, w, h, style) {
    const toCanvas = (points) => (points || []).map(([x, y]) => [x * w, y * h]); // scene points are normalised 0..1
    ctx.lineWidth = style.line;
    ctx.setLineDash([]);
    for (const zone of scene.zones || []) {
      const pts = toCanvas(zone.points);
      if (pts.length < 3) continue;
      path(ctx, pts, true);
      ctx.fillStyle = 'rgba(56, 189, 248, 0.18)';
      ctx.fill();
      ctx.strokeStyle = 'rgba(56, 189, 248, 0.9)';
      ctx.stroke();
      const top = pts.reduce((a, b) => (b[1] < a[1] ? b : a)); // name at the top corner, clear of the objects inside
      tag(ctx, zone.name, top[0], top[1], 'rgba(14, 116, 144, 0.85)', style);
    }
    for (const line of scene.lines || []) {
      const pts = toCanvas(line.points);
      if (pts.length < 2) continue;
      path(ctx, pts, false);
      ctx.strokeStyle = 'rgba(250, 204, 21, 0.95)';
      ctx.lineWidth = style.line * 1.5;
      ctx.stroke();
      ctx.lineWidth = style.line;
      tag(ctx, line.name, (pts[0][0] + pts[1][0]) / 2, (pts[0][1] + pts[1][1]) / 2, 'rgba(161, 98, 7, 0.85)', style);
    }
  }

  function drawBox(ctx, d, sx, sy, style) {
    if (!Array.isArray(d.box) || d.box.length !== 4) return;
    const [x1, y1, x2, y2] = d.box;
    const tracked = typeof d.track_id === 'number' && d.track_id > 0;
    // A confirmed track keeps its colour from frame to frame; an unconfirmed or untracked object is grey and dashed.
    const colour = tracked ? 'hsl(' + ((d.track_id * 47) % 360) + ', 85%, 55%)' : 'rgb(203, 213, 225)';
    ctx.strokeStyle = colour;
    ctx.lineWidth = style.line;
    ctx.setLineDash(tracked ? [] : [style.line * 3, style.line * 2]);
    ctx.strokeRect(x1 * sx, y1 * sy, (x2 - x1) * sx, (y2 - y1) * sy);
    ctx.setLineDash([]);
    const score = typeof d.score === 'number' ? d.score.toFixed(2) : '';
    // "<label> #<track_id> <score>"; no number for an object without a confirmed track (absent, 0 or -1).
    const text = [d.label ?? ('class ' + d.cls), tracked ? '#' + d.track_id : '', score].filter(Boolean).join(' ');
    tag(ctx, text, x1 * sx, y1 * sy, colour, style, true);
  }

  function path(ctx, pts, closed) {
    ctx.beginPath();
    pts.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    if (closed) ctx.closePath();
  }

  /** A text on a filled background just above (x, y), or just below when there is no room above. */
  function tag(ctx, text, x, y, background, style, darkText) {
    if (!text) return;
    ctx.font = '600 ' + style.font + 'px system-ui, sans-serif';
    const pad = Math.round(style.font / 4);
    const tw = ctx.measureText(text).width + 2 * pad, th = style.font + 2 * pad;
    const left = Math.max(0, Math.min(x, ctx.canvas.width - tw));
    const top = y - th >= 0 ? y - th : y;
    ctx.fillStyle = background;
    ctx.fillRect(left, top, tw, th);
    ctx.fillStyle = darkText ? '#0b0f14' : '#f8fafc';
    ctx.textBaseline = 'top';
    ctx.fillText(text, left + pad, top + pad);
  }

  // ---- events --------------------------------------------------------------------------------

  /** live: the event fired just now (one without a time of its own shows the arrival time). */
  function addEvent(evt, live) {
    events.push(evt);
    if (events.length > MAX_EVENTS) events.shift();
    el.eventList.prepend(eventItem(evt, live)); // newest on top
    if (live) refreshThumbnails();
    while (el.eventList.childElementCount > MAX_EVENTS) el.eventList.lastElementChild.remove();
    // Output writes show on the badges at once, not a second later with the next status.
    if (evt.output && (evt.level === 'high' || evt.level === 'low')) {
      outputLevels[evt.output] = evt.level;
      renderOutputs();
    }
    publishEvents();
  }

  function publishEvents() {
    el.events.textContent = JSON.stringify(events);
  }

  function eventItem(evt, live) {
    const li = document.createElement('li');
    li.className = 'evt evt-' + String(evt.type || 'unknown').replace(/[^a-z0-9_-]/gi, '');
    const details = [
      evt.zone != null && 'zone ' + evt.zone,
      evt.line != null && 'line ' + evt.line + (evt.direction ? ' (' + evt.direction + ')' : ''),
      evt.rule != null && 'rule ' + evt.rule,
      evt.output != null && evt.output + (evt.level ? ' → ' + evt.level : ''),
      evt.track_id != null && '#' + evt.track_id,
      evt.label,
    ].filter(Boolean).join(' · ');
    li.append(span('time', formatTime(evt.time, live)), span('type', evt.type || '?'), span('details', details));
    if (evt.id != null) li.dataset.id = String(evt.id);
    return li;
  }

  // ---- snapshots: a thumbnail beside each event that has one (GET api/events) ------------------

  let thumbnailTimer = null;
  let thumbnailRetries = 0;

  /** Soon after events arrive, asks which have snapshots (sc-snapshot writes them a moment after the event), once more later. */
  function refreshThumbnails() {
    thumbnailRetries = 2;
    if (thumbnailTimer === null) thumbnailTimer = setTimeout(loadThumbnails, 500);
  }

  async function loadThumbnails() {
    thumbnailTimer = null;
    try {
      const response = await fetch(pageUrl('api/events', { camera: camera || '', limit: String(MAX_EVENTS) }), { cache: 'no-store' });
      if (response.ok) for (const e of await response.json()) if (e.snapshot && e.id != null) addThumbnail(String(e.id), String(e.snapshot));
    } catch (e) {
      console.warn('GET api/events failed:', e);
    }
    if (--thumbnailRetries > 0 && thumbnailTimer === null) thumbnailTimer = setTimeout(loadThumbnails, 3000);
  }

  function addThumbnail(id, snapshot) {
    const li = Array.from(el.eventList.children).find((item) => item.dataset.id === id);
    if (!li || li.querySelector('img.thumb')) return;
    const url = pageUrl(snapshot.replace(/^\/+/, '')); // relative to the page, with the token, like the page's other URLs
    const a = document.createElement('a');
    a.href = url;
    a.target = '_blank';
    const img = document.createElement('img');
    img.className = 'thumb';
    img.alt = 'snapshot';
    img.loading = 'lazy';
    img.src = url;
    a.append(img);
    li.append(a);
  }

  function span(cls, text) {
    const s = document.createElement('span');
    s.className = cls;
    s.textContent = text; // text, never HTML: names come from the config
    return s;
  }

  /** The event's own time in local time; a live event without one shows when it arrived, an older one nothing. */
  function formatTime(time, live) {
    if (!time && !live) return '';
    const t = time ? new Date(time) : new Date();
    if (isNaN(t)) return String(time);
    const two = (n) => String(n).padStart(2, '0');
    return two(t.getHours()) + ':' + two(t.getMinutes()) + ':' + two(t.getSeconds()) + '.' + String(t.getMilliseconds()).padStart(3, '0');
  }

  // ---- status --------------------------------------------------------------------------------

  function onStatus(status) {
    statusSeen++;
    document.body.dataset.statusSeen = String(statusSeen);
    if (!status) return;
    el.state.textContent = status.state ?? '–';
    el.state.className = 'state-' + String(status.state || '').replace(/[^a-z]/gi, '');
    // What a V4L2 camera negotiated (format, size, rate); other sources have nothing to show here.
    el.mode.textContent = status.camera_mode ?? '–';
    el.fps.textContent = typeof status.fps === 'number' ? status.fps.toFixed(1) : (status.fps ?? '–');
    el.processed.textContent = status.processed ?? '–';
    el.dropped.textContent = status.dropped ?? '–';
    renderLatency(status.latency_us || {});
    if (status.outputs && typeof status.outputs === 'object') {
      Object.assign(outputLevels, status.outputs);
      renderOutputs();
    }
  }

  function renderLatency(latency) {
    const names = [...STAGES.filter((s) => s in latency), ...Object.keys(latency).filter((s) => !STAGES.includes(s))];
    const ms = (us) => (typeof us === 'number' ? (us / 1000).toFixed(us < 10000 ? 2 : 1) : '–');
    el.latency.replaceChildren(...names.map((name) => {
      const row = document.createElement('tr');
      const p = latency[name] || {};
      for (const text of [name.replace(/_to_/g, '→'), ms(p.p50), ms(p.p99), ms(p.max)]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    }));
  }

  function renderOutputs() {
    // Outputs of the scene show from the start (level unknown until the first status or write).
    const names = [...new Set([...(scene.outputs || []), ...Object.keys(outputLevels)])];
    if (names.length === 0) {
      el.outputs.replaceChildren(span('none', 'none'));
      return;
    }
    el.outputs.replaceChildren(...names.map((name) => {
      const level = outputLevels[name];
      const badge = span('badge ' + (level === 'high' ? 'high' : level === 'low' ? 'low' : 'unknown'), name);
      badge.title = name + ': ' + (level || 'unknown');
      return badge;
    }));
  }

  // ---- the rest of the page ------------------------------------------------------------------

  function setTitle() {
    const text = 'SmartCam live' + (camera ? ' — ' + camera : '');
    document.title = text;
    el.title.textContent = text;
  }

  function setConn(state, text) {
    el.conn.className = 'conn conn-' + state;
    el.conn.textContent = text;
    document.body.dataset.conn = state; // connecting | open | closed
  }

  function resetView() {
    setTitle();
    scene = { zones: [], lines: [], outputs: [] };
    events = [];
    outputLevels = {};
    el.eventList.replaceChildren();
    publishEvents();
    renderOutputs();
    renderLatency({});
    for (const cell of [el.state, el.mode, el.fps, el.processed, el.dropped, el.frame]) cell.textContent = '–';
    el.canvas.getContext('2d').clearRect(0, 0, el.canvas.width, el.canvas.height);
    el.noPicture.hidden = false;
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
