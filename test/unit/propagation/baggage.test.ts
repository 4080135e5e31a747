import { baggageEntryMetadataFromString, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_BAGGAGE_BYTES } from '../../../src/propagation/baggage-codec.js';
import { StrictBaggagePropagator } from '../../../src/propagation/baggage-propagator.js';
import { extract, type Headers, inject, resetGlobals } from './support.js';

const propagator = new StrictBaggagePropagator();

beforeEach(resetGlobals);

function entries(headers: Headers) {
  const baggage = propagation.getBaggage(extract(propagator, headers));
  return Object.fromEntries(
    (baggage?.getAllEntries() ?? []).map(([k, e]) => [
      k,
      e.metadata ? [e.value, e.metadata.toString()] : e.value,
    ]),
  );
}

describe('baggage extract', () => {
  it('parses members, OWS, properties and percent-encoded values', () => {
    expect(
      entries({ baggage: 'userId=alice , serverNode = DF%2028 ; prop1 ; p2 = v2,isProduction=false' }),
    ).toEqual({
      userId: 'alice',
      serverNode: ['DF 28', 'prop1;p2=v2'],
      isProduction: 'false',
    });
  });

  it('decodes UTF-8 and replaces invalid sequences with U+FFFD instead of throwing', () => {
    expect(entries({ baggage: 'a=%E2%9C%93,b=%E2%28%A1,c=100%' })).toEqual({
      a: '✓',
      b: '\uFFFD(\uFFFD',
      c: '100%',
    });
  });

  // A value that starts with U+FEFF (ZERO WIDTH NO-BREAK SPACE, `%EF%BB%BF`) lost it: the decoder
  // took it for a byte-order mark. Downstream got `abc` for `%EF%BB%BFabc`, and `` for the character.
  it('keeps a leading U+FEFF, which is a character, not a byte-order mark', () => {
    expect(entries({ baggage: 'k=%EF%BB%BFabc,j=%EF%BB%BF' })).toEqual({ k: '\uFEFFabc', j: '\uFEFF' });
    expect(inject(propagator, extract(propagator, { baggage: 'k=%EF%BB%BFabc' })).baggage).toBe(
      'k=%EF%BB%BFabc',
    );
  });

  it('drops malformed members one by one and keeps the rest', () => {
    expect(
      entries({
        baggage: 'ok=1,=novalue,bad key=1,quote="x",noeq,sp=a b,semi=1;bad prop=2,,also=2;=x,fine=3',
      }),
    ).toEqual({ ok: '1', fine: '3' });
  });

  it('combines several baggage headers', () => {
    expect(entries({ baggage: ['a=1', 'b=2'] })).toEqual({ a: '1', b: '2' });
  });

  it('keeps whole members up to 8192 bytes and drops what does not fit', () => {
    const big = 'v'.repeat(4000);
    // Within 8192 bytes every member is kept.
    expect(Object.keys(entries({ baggage: `a=${big},b=${big},d=1` }))).toEqual(['a', 'b', 'd']);
    // Past them, members that do not end within the first 8192 characters are dropped unread.
    expect(Object.keys(entries({ baggage: `a=${big},b=${big},c=${big},d=1` }))).toEqual(['a', 'b']);
    expect(Object.keys(entries({ baggage: `a=${big},b=${'v'.repeat(4187)},d=1` }))).toEqual(['a', 'b']);
    const many = Array.from({ length: 2000 }, (_, i) => `k${i}=v`).join(',');
    const kept = Object.keys(entries({ baggage: many })).length;
    expect(kept).toBeGreaterThanOrEqual(64);
    expect(Array.from({ length: kept }, (_, i) => `k${i}=v`).join(',').length).toBeLessThanOrEqual(
      MAX_BAGGAGE_BYTES,
    );
  });

  it('no valid member leaves the context unchanged', () => {
    expect(extract(propagator, { baggage: ',,;' })).toBe(ROOT_CONTEXT);
    expect(extract(propagator, {})).toBe(ROOT_CONTEXT);
  });
});

describe('baggage inject', () => {
  it('encodes values, keeps properties, drops invalid keys', () => {
    const baggage = propagation.createBaggage({
      user: { value: 'al ice,;%é' },
      tagged: { value: 'x', metadata: baggageEntryMetadataFromString('p1;p2=v') },
      'bad key': { value: 'dropped' },
      lone: { value: '\uD800' },
    });
    const header = inject(propagator, propagation.setBaggage(ROOT_CONTEXT, baggage)).baggage;
    expect(header).toBe('user=al%20ice%2C%3B%25%C3%A9,tagged=x;p1;p2=v,lone=%EF%BF%BD');
    expect(entries({ baggage: header ?? '' })).toEqual({
      user: 'al ice,;%é',
      tagged: ['x', 'p1;p2=v'],
      lone: '\uFFFD',
    });
  });

  it('never writes more than 8192 bytes, nor a partial member', () => {
    const record = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`key${i}`, { value: 'x'.repeat(40) }]),
    );
    const header = inject(
      propagator,
      propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage(record)),
    ).baggage;
    expect(header?.length).toBeLessThanOrEqual(MAX_BAGGAGE_BYTES);
    for (const member of header?.split(',') ?? []) expect(member).toMatch(/^key\d+=x{40}$/);
  });
});
