// app.js — starts the web client: wires the page's events to the shell
// (shell.js) and the screens (screens/*.js, one module per screen).

import * as api from './api.js';
import * as queue from './queue.js';
import { setLang, getLang, label } from './i18n.js';
import { $, ensureMeta, renderNet, renderQueue, route, go, render } from './shell.js';
import { checkinLine } from './screens/records.js';

$('lang-switch').addEventListener('click', () => { setLang(getLang() === 'en' ? 'zh' : 'en'); render(); queue.all().then(renderQueue); });
$('sign-out').addEventListener('click', async () => { await api.logout(); sessionStorage.removeItem('ethicsops.expired'); go('#/login'); });
window.addEventListener('hashchange', render);
window.addEventListener('online', () => { renderNet(); queue.all().then(renderQueue); });
window.addEventListener('offline', () => { renderNet(); queue.all().then(renderQueue); });
api.onSession((s) => { if (!s) { go('#/login'); } queue.all().then(renderQueue); });
queue.onChange((items, ev) => {
  renderQueue(items);
  if (ev?.done && ev.done.op === 'checkin' && ev.result && route().name === 'a') {
    const li = document.querySelector(`#checkins li[data-geofence="pending"]`);
    if (li) li.replaceWith(checkinLine(ev.result));
    // An arrival starts the record on the server: show its new status.
    api.activity(ev.done.activityId).then((a) => {
      const b = document.getElementById('status');
      if (b && route().arg === a.id) { b.textContent = label('activity_statuses', a.status); b.className = 'badge ' + a.status; }
      queue.cachePut('activity:' + a.id, a);
    }).catch(() => {});
  }
  if (ev?.done && ev.done.op === 'createActivity' && route().name === 'a' && route().arg === ev.done.activityId) render();
});

(async () => {
  await ensureMeta();
  const s = api.currentSession();
  if (s && s.expires_at - Date.now() < 10_000) { try { await api.refresh(); } catch { /* handled by onSession */ } }
  await queue.start();
  await render();
  // A report kept unsent from an earlier visit goes out while the page is open.
  import('./screens/report.js').then((m) => m.start()).catch(() => {});
  // The account may have changed since sign-in (an admin designated a report
  // handler): read it again and show the tabs it has now.
  if (api.currentSession()) {
    const before = Boolean(api.currentUser()?.report_handler);
    api.me().then((u) => { if (Boolean(u?.report_handler) !== before) render(); }).catch(() => {});
  }
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
})();
