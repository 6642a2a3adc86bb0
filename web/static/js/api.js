// api.js — every call to the ethicsops API lives here, and nowhere else, so
// that a field name can be changed in one place when the server changes.
// It also keeps the session (tokens in localStorage) and refreshes it before
// the access token expires.

const BASE = '/api/v1';
const SESSION_KEY = 'ethicsops.session';
const REFRESH_MARGIN_MS = 60_000; // refresh a minute before expiry

/** ApiError is a failed call: HTTP status (0 when the network failed) and the
 * server's error envelope {code, message, fields, request_id}. */
export class ApiError extends Error {
  constructor(status, env = {}, network = false) {
    super(env.message || (network ? 'network error' : `HTTP ${status}`));
    this.status = status;
    this.code = env.code || (network ? 'network' : 'http_' + status);
    this.fields = env.fields || null;
    this.requestId = env.request_id || '';
    this.reason = env.reason || ''; // a person's words (a rejected application's reason)
    this.network = network;
  }
  /** transient: worth sending again later without the user doing anything. */
  get transient() {
    return this.network || this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

// ---------------------------------------------------------------- session

let session = load();
let refreshTimer = null;
let refreshing = null;
const listeners = new Set();

function load() {
  try { return JSON.parse(localStorage.getItem(SESSION_KEY)) || null; } catch { return null; }
}
function save(s) {
  session = s;
  if (s) localStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else localStorage.removeItem(SESSION_KEY);
  schedule();
  for (const fn of listeners) fn(s);
}
function fromTokens(t) {
  return {
    access_token: t.access_token,
    refresh_token: t.refresh_token,
    expires_at: Date.now() + (Number(t.expires_in) || 900) * 1000,
    user: t.user,
  };
}

/** onSession registers fn(session|null), called on sign-in, refresh and sign-out. */
export function onSession(fn) { listeners.add(fn); }
export function currentSession() { return session; }
export function currentUser() { return session?.user || null; }

function schedule() {
  clearTimeout(refreshTimer);
  if (!session?.refresh_token) return;
  const wait = Math.max(5_000, session.expires_at - Date.now() - REFRESH_MARGIN_MS);
  refreshTimer = setTimeout(() => { refresh().catch(() => {}); }, wait);
}

/** SessionExpired is raised when the refresh token is refused: the user must sign in again. */
export class SessionExpired extends ApiError {
  constructor() { super(401, { code: 'session_expired', message: 'session expired' }); }
}

/** refresh exchanges the refresh token for a new pair. Tabs share one
 * session: a lock stops two tabs spending the same refresh token (which the
 * server treats as theft and answers by revoking the whole family). */
export function refresh() {
  if (refreshing) return refreshing;
  const run = async () => {
    const stored = load();
    if (stored && session && stored.expires_at > session.expires_at) { // another tab refreshed
      session = stored; schedule(); return session;
    }
    if (!session?.refresh_token) throw new SessionExpired();
    let res;
    try {
      res = await fetch(BASE + '/auth/refresh', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: session.refresh_token }),
      });
    } catch { throw new ApiError(0, {}, true); }
    if (res.status === 401) { expire(); throw new SessionExpired(); }
    if (!res.ok) throw new ApiError(res.status, (await res.json().catch(() => ({}))).error);
    save(fromTokens(await res.json()));
    return session;
  };
  const locked = navigator.locks ? navigator.locks.request('ethicsops-refresh', run) : run();
  refreshing = locked.finally(() => { refreshing = null; });
  return refreshing;
}

/** expire forgets the tokens but not the queue: queued writes wait for the
 * same user to sign in again. */
function expire() {
  const user = session?.user;
  save(null);
  sessionStorage.setItem('ethicsops.expired', user?.username || '1');
}

// ---------------------------------------------------------------- request

async function request(method, path, { body, form, auth = true, raw = false, retried = false } = {}) {
  const headers = {};
  if (auth) {
    if (!session) throw new SessionExpired();
    if (session.expires_at - Date.now() < 10_000) await refresh();
    headers.Authorization = 'Bearer ' + session.access_token;
  }
  let payload;
  if (form) payload = form;
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  let res;
  try {
    res = await fetch(BASE + path, { method, headers, body: payload, cache: 'no-store' });
  } catch {
    throw new ApiError(0, {}, true);
  }
  if (res.status === 401 && auth && !retried) {
    await refresh(); // throws SessionExpired when the refresh token is refused
    return request(method, path, { body, form, auth, raw, retried: true });
  }
  if (!res.ok) {
    const env = (await res.json().catch(() => ({}))).error || {};
    throw new ApiError(res.status, env);
  }
  if (raw) return res;
  if (res.status === 204) return { status: 204, data: null };
  return { status: res.status, data: await res.json() };
}

/** call is request for modules that keep their own calls (api-manager.js). */
export { request as call };

const q = (params) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
};

// ---------------------------------------------------------------- auth, users

export async function login(username, password) {
  const { data } = await request('POST', '/auth/login', { body: { username, password }, auth: false });
  save(fromTokens(data));
  sessionStorage.removeItem('ethicsops.expired');
  return data.user;
}

/** logout revokes the refresh token when the server can be reached; the
 * local tokens are forgotten in any case. */
export async function logout() {
  const s = session;
  save(null);
  if (!s) return;
  try {
    await fetch(BASE + '/auth/logout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + s.access_token },
      body: JSON.stringify({ refresh_token: s.refresh_token }),
    });
  } catch { /* offline: the refresh token simply expires on the server */ }
}

export async function me() {
  const { data } = await request('GET', '/me');
  if (session) save({ ...session, user: data });
  return data;
}

export const meta = async () => (await request('GET', '/meta', { auth: false })).data;
export const units = async () => (await request('GET', '/units' + q({ limit: 200 }))).data.items;

/** register creates a pending volunteer account (online only: there is no
 * account to queue it under yet). */
export const registerVolunteer = async (r) => (await request('POST', '/volunteers/register', {
  auth: false, body: { username: r.username, password: r.password, display_name: r.display_name, phone: r.phone, email: r.email },
})).data;

/** pendingVolunteers lists volunteers waiting for approval (managers and
 * admins: GET /volunteers, each with id, username, display_name, phone, email,
 * created_at, and the year's hours). */
export const pendingVolunteers = async () =>
  (await request('GET', '/volunteers' + q({ status: 'pending', limit: 200 }))).data.items;

// ---------------------------------------------------------------- activities

/** activities lists activities; filters as in SPEC (kind, status, owner_id, from, to, q…). */
export const activities = async (filters = {}) =>
  (await request('GET', '/activities' + q({ limit: 100, ...filters }))).data;
export const activity = async (id) => (await request('GET', '/activities/' + encodeURIComponent(id))).data;
export const unitSites = async (unitId) => (await request('GET', `/units/${encodeURIComponent(unitId)}/sites`)).data.items;
export const history = async (id, cursor = '') => (await request('GET', `/activities/${encodeURIComponent(id)}/history` + q({ limit: 100, cursor }))).data;
export const checkins = async (id) => (await request('GET', `/activities/${encodeURIComponent(id)}/checkins`)).data;

/** freePlaces is how many volunteers can still sign up for an event, or null
 * when the server does not say. */
export function freePlaces(a) {
  const e = a?.event;
  if (!e) return null;
  if (typeof e.free_places === 'number') return e.free_places;
  if (typeof a.free_places === 'number') return a.free_places;
  const taken = e.signups_count ?? e.signed_up ?? a.signups_count ?? a.signup_count;
  if (typeof e.volunteer_capacity === 'number' && typeof taken === 'number') return Math.max(0, e.volunteer_capacity - taken);
  return typeof e.volunteer_capacity === 'number' ? e.volunteer_capacity : null;
}
/** signedUp says whether the caller is signed up for an event, when the server says. */
export const signedUp = (a) => Boolean(a?.signed_up ?? a?.my_signup ?? a?.event?.my_signup);

/** roster is an event's volunteers with attendance and hours (staff). */
export const roster = async (id) => (await request('GET', `/activities/${encodeURIComponent(id)}/signups`)).data;

export const participation = async (year) =>
  (await request('GET', '/volunteers/me/participation' + q({ year }))).data;

// ---------------------------------------------------------------- KPIs

export const kpis = async (year) => (await request('GET', '/kpis' + q({ year }))).data;

/** kpiDownload fetches the CSV or XLSX export with the bearer token and
 * answers a Blob and a file name. */
export async function kpiDownload(year, format) {
  const res = await request('GET', '/kpis' + q({ year, format }), { raw: true });
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
  return { blob: await res.blob(), name: m ? decodeURIComponent(m[1]) : `kpi-${year}.${format}` };
}

// ---------------------------------------------------------------- writes
// Every write goes through the offline queue (queue.js), which calls
// perform(op, payload) one item at a time. Each write carries the client id
// that makes replays safe (201 the first time, 200 on an identical replay).

const writes = {
  /** payload: the activity as SPEC describes it, with its client id. */
  async createActivity(p) {
    return request('POST', '/activities', { body: p.activity });
  },
  /** payload: {activityId, patch, version}; version comes from the last
   * copy the phone saw (see queue.js). */
  async updateActivity(p) {
    const path = '/activities/' + encodeURIComponent(p.activityId);
    // A status change (complete, start, cancel) is what the officer meant
    // whatever else changed meanwhile — a check-in that started the record,
    // say — so it may go on the current version; the server still checks the
    // transition. Other edits must not overwrite a colleague's change.
    const statusOnly = Object.keys(p.patch).every((k) => k === 'status' || k === 'completed_at');
    let version = p.version;
    if (version == null) version = (await activity(p.activityId)).version; // queued before the record was seen
    try {
      return await request('PATCH', path, { body: { ...p.patch, version } });
    } catch (e) {
      if (e.status === 409 && e.code === 'version_conflict') {
        const cur = await activity(p.activityId).catch(() => null);
        // A replay of a PATCH that already went through meets its own new
        // version: when the record already says what we sent, it is done.
        if (cur && (statusOnly ? cur.status === p.patch.status : Object.entries(p.patch).every(([k, v]) => cur[k] === v))) {
          return { status: 200, data: cur };
        }
        if (cur && statusOnly) return request('PATCH', path, { body: { ...p.patch, version: cur.version } });
      }
      throw e;
    }
  },
  /** payload: {activityId, checkin: {id, type, lat, lng, accuracy_m, captured_at}}. */
  async checkin(p) {
    return request('POST', `/activities/${encodeURIComponent(p.activityId)}/checkins`, { body: p.checkin });
  },
  /** payload: {activityId, id, name}, blob: the file. id is the client id
   * kept with the queued item, so a resend after a lost answer is the same
   * upload (200, nothing stored twice). The server reads the parts in
   * order: id goes before file. */
  async attachment(p, blob) {
    const form = new FormData();
    form.append('id', p.id);
    form.append('file', blob, p.name || 'photo.jpg');
    return request('POST', `/activities/${encodeURIComponent(p.activityId)}/attachments`, { form });
  },
  async signup(p) {
    try {
      return await request('POST', `/activities/${encodeURIComponent(p.activityId)}/signups`, { body: {} });
    } catch (e) {
      if (e.status === 409 && e.code === 'conflict') return { status: 200, data: null }; // already signed up
      throw e;
    }
  },
  async cancelSignup(p) {
    try {
      return await request('DELETE', `/activities/${encodeURIComponent(p.activityId)}/signups/me`);
    } catch (e) {
      if (e.status === 404 && e.code === 'not_found' && e.message !== 'route not found') return { status: 204, data: null }; // already cancelled
      throw e;
    }
  },
  /** payload: {activityId, userId}; repeating a decision is harmless. */
  async confirmAttendance(p) {
    return request('POST', `/activities/${encodeURIComponent(p.activityId)}/attendance/${encodeURIComponent(p.userId)}/confirm`, { body: {} });
  },
  async rejectAttendance(p) {
    return request('POST', `/activities/${encodeURIComponent(p.activityId)}/attendance/${encodeURIComponent(p.userId)}/reject`, { body: {} });
  },
  /** payload: {registration} with its client id: a replay of the same
   * content answers 200 and the same record (nothing stored twice). */
  async createRegistration(p) {
    return request('POST', '/ethics-registrations', { body: p.registration });
  },
  /** payload: {registrationId, id, name}, blob: the photo; as attachment. */
  async regAttachment(p, blob) {
    const form = new FormData();
    form.append('id', p.id);
    form.append('file', blob, p.name || 'photo.jpg');
    return request('POST', `/ethics-registrations/${encodeURIComponent(p.registrationId)}/attachments`, { form });
  },
  async approve(p) {
    return request('POST', `/users/${encodeURIComponent(p.userId)}/approve`);
  },
};

/** perform sends one queued write. */
export function perform(op, payload, blob) {
  const fn = writes[op];
  if (!fn) return Promise.reject(new ApiError(0, { code: 'unknown_op', message: 'unknown operation ' + op }));
  return fn(payload, blob);
}

schedule();
