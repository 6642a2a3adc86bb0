// api-officer.js — the calls of the officer's registers (ethics-code
// registrations, early warnings). Writes of registrations go through the
// offline queue (api.js perform); early warnings are sent online.

import { call } from './api.js';

const q = (params) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
};
const enc = encodeURIComponent;

export const registrations = async (filters = {}) => (await call('GET', '/ethics-registrations' + q({ limit: 200, ...filters }))).data;
export const registration = async (id) => (await call('GET', '/ethics-registrations/' + enc(id))).data;

export const warnings = async (filters = {}) => (await call('GET', '/early-warnings' + q({ limit: 100, ...filters }))).data;
export const warning = async (id) => (await call('GET', '/early-warnings/' + enc(id))).data;
export const createWarning = async (w) => (await call('POST', '/early-warnings', { body: w })).data;
export const updateWarning = async (id, patch) => (await call('PATCH', '/early-warnings/' + enc(id), { body: patch })).data;
export const submitWarning = async (id, body) => (await call('POST', `/early-warnings/${enc(id)}/submit`, { body })).data;
export const followUp = async (id, body) => (await call('POST', `/early-warnings/${enc(id)}/follow-ups`, { body })).data;
export const closeWarning = async (id, body) => (await call('POST', `/early-warnings/${enc(id)}/close`, { body })).data;
