import { isOneOf } from './chars.js';

/**
 * The second items of a quoted pair (pair-tuples.ts) read as field names, not values: a 2-tuple
 * of field names, `('password', 'email')` (Django's `unique_together`, a form's `fields`, a
 * validation library's `required(...)`) lost its `email`. A value is something people choose, so
 * only a closed list of names of a form's other fields is kept, each compared whole and in any
 * case: what a person picks as a password is not one of these, and words that people do pick
 * (`user`, `login`, `admin`, `password`, `secret`) are not here: `('password', 'password')` stays
 * hidden. Any other item, a field-like word too (`'name'`, `'token'`, `'new_password'`), is hidden.
 */
const FIELD_NAMES = [
  'email',
  'e-mail',
  'email_address',
  'emailaddress',
  'username',
  'user_name',
  'user_id',
  'userid',
  'first_name',
  'firstname',
  'last_name',
  'lastname',
  'full_name',
  'fullname',
  'phone',
  'phone_number',
  'phonenumber',
  'password_confirmation',
  'passwordconfirmation',
  'confirm_password',
  'confirmpassword',
  'remember_me',
  'rememberme',
];

/** Whether `text[from, to)` is, whole and in any case, one of FIELD_NAMES. */
export function isFieldNameItem(text: string, from: number, to: number): boolean {
  return to - from >= 5 && to - from <= 21 && isOneOf(text, from, to, FIELD_NAMES);
}
