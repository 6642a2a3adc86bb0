// screens/auth.js — sign-in, volunteer registration and the pending account's page.

import * as api from '../api.js';
import * as queue from '../queue.js';
import { t, label, getLang } from '../i18n.js';
import { h, field } from '../dom.js';
import { toast, go, render } from '../shell.js';
import { rt } from '../report-text.js';

/** authErr is a failed sign-in or registration as a sentence, never a
 * raw code: a wrong password, too many tries, a taken username, a field the
 * server refused. */
export function authErr(e) {
  if (!e) return '';
  if (e.network || e.status === 0) return t('vol_err_network');
  switch (e.code) {
    case 'unauthenticated': return t('auth_err_wrong');
    case 'rate_limited': return t('vol_err_rate_limited');
    case 'forbidden': return t('auth_err_disabled');
    case 'account_rejected': return rejectedText(e.reason);
    case 'conflict': case 'username_taken': return t('auth_err_taken');
    case 'validation_failed': {
      const names = Object.keys(e.fields || {}).map((k) => t(k));
      return names.length ? t('auth_err_fields', { f: names.join('、') }) : t('vol_err_invalid');
    }
    default: return t('vol_err_other');
  }
}

/** rejectedText tells a rejected applicant why, in the manager's own words. */
function rejectedText(reason) {
  const en = getLang() === 'en';
  const head = en ? 'Your volunteer application was not approved.' : '您的廉政志工申請未獲核准。';
  const why = reason ? (en ? ` Reason: ${reason}` : `原因：${reason}`) : '';
  return head + why + (en ? ' For questions, contact the Department of Civil Service Ethics.' : '如有疑問，請洽嘉義市政府政風處。');
}

export function loginView() {
  const expired = sessionStorage.getItem('ethicsops.expired');
  const user = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off', value: expired && expired !== '1' ? expired : '' });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const err = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'card', id: 'login-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      await api.login(user.value.trim(), pass.value);
      go('#/');
      queue.flush();
    } catch (e) { err.textContent = authErr(e); }
  } },
  h('h2', {}, t('sign_in')),
  expired ? h('p', { class: 'notice' }, t('session_expired')) : null,
  field(t('username'), user), field(t('password'), pass), err,
  h('button', { type: 'submit', class: 'primary' }, t('sign_in')),
  h('p', {}, h('a', { href: '#/register', class: 'link' }, t('register'))));
  // A citizen or colleague who wants to report comes here first: the way in
  // needs no account, and is plain but not loud.
  const report = h('a', { href: '#/report', class: 'report-link', id: 'report-link' },
    h('span', { class: 'report-link-title' }, rt('link')), h('span', { class: 'report-link-hint' }, rt('link_hint')));
  return h('div', {}, form, report);
}

export function registerView() {
  const inputs = {
    username: h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off' }),
    password: h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 12 }),
    display_name: h('input', { name: 'display_name', autocomplete: 'name', required: true }),
    phone: h('input', { name: 'phone', type: 'tel', autocomplete: 'tel', required: true }),
    email: h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true }),
  };
  const err = h('p', { class: 'error', role: 'alert' });
  return h('form', { class: 'card', id: 'register-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const body = Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el.value.trim()]));
    body.password = inputs.password.value;
    try {
      await api.registerVolunteer(body);
      toast(t('registered'));
      await api.login(body.username, body.password);
      go('#/');
    } catch (e) { err.textContent = authErr(e); }
  } },
  h('h2', {}, t('register')),
  Object.entries(inputs).map(([k, el]) => field(t(k), el)), err,
  h('button', { type: 'submit', class: 'primary' }, t('register_submit')),
  h('p', {}, h('a', { href: '#/login', class: 'link' }, t('back_to_sign_in'))));
}

export async function pendingView() {
  const user = api.currentUser();
  return h('section', { class: 'card', id: 'pending' },
    h('h2', {}, t('pending_title')),
    h('p', { id: 'pending-name' }, user.display_name || ''),
    h('p', { class: 'badge pending' }, label('user_statuses', user.status)),
    h('p', {}, t('pending_body')),
    h('button', { type: 'button', class: 'primary', onclick: async () => {
      try { await api.me(); render(); } catch (e) { toast(authErr(e), 'bad'); }
    } }, t('check_again')));
}
