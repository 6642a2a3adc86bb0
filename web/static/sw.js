// sw.js — keeps the client's own files so that the page opens without a
// network. Network first (so a new version shows at once), the kept copy
// when offline. API calls are never cached here: the page keeps its data in
// IndexedDB itself (a public report's answers, /api/v1/reports…, included:
// nothing of a report may outlive the page in a cache).
const CACHE = 'ethicsops-shell-v17';
const SHELL = ['/', '/static/css/app.css', '/static/css/print.css', '/static/css/manager.css', '/static/js/app.js', '/static/js/api.js', '/static/js/queue.js',
  '/static/js/i18n.js', '/static/js/dom.js', '/static/js/chart.js', '/static/js/shell.js', '/static/js/format.js', '/static/js/messages.js', '/static/js/forms.js', '/static/js/mapview.js',
  '/static/js/screens/auth.js', '/static/js/screens/records.js', '/static/js/screens/volunteer.js', '/static/js/screens/manager.js',
  '/static/js/screens/manager-common.js', '/static/js/screens/manager-text.js', '/static/js/screens/manager-kpi.js',
  '/static/js/screens/manager-review.js', '/static/js/screens/manager-declarations.js', '/static/js/api-manager.js', '/static/js/review-note.js',
  '/static/js/screens/manager-ethics.js', '/static/js/screens/manager-analysis.js',
  '/static/js/officer-text.js', '/static/js/api-officer.js', '/static/js/screens/registers.js',
  '/static/js/screens/report.js', '/static/js/screens/report-follow.js', '/static/js/report-text.js', '/static/js/report-store.js',
  '/static/js/api-report.js', '/static/js/pow.js', '/static/js/pow-worker.js', '/static/css/report.css',
  // The report handlers' screens (檢舉); their data (/api/v1/reports…) is personal and never kept here.
  '/static/css/reports.css', '/static/js/api-reports.js', '/static/js/screens/reports-text.js', '/static/js/screens/reports-common.js',
  '/static/js/screens/reports-queue.js', '/static/js/screens/reports-detail.js', '/static/js/screens/reports-stats.js',
  '/static/js/screens/reports-intake.js', '/static/js/report-fields.js',
  '/static/icon.svg', '/static/manifest.webmanifest'];

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (ev) => {
  ev.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener('fetch', (ev) => {
  const url = new URL(ev.request.url);
  if (ev.request.method !== 'GET' || url.origin !== location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/swagger/')) return;
  ev.respondWith(fetch(ev.request).then((res) => {
    if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(ev.request, copy)); }
    return res;
  }).catch(() => caches.match(ev.request, { ignoreSearch: true }).then((r) => r || caches.match('/'))));
});
