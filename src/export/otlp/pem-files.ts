import type { SecureContext } from 'node:tls';
import { errorMessage } from '../../errors.js';
import { lazyRequire } from '../../util/index.js';

/** What a file named by an OTLP certificate variable must hold. */
export type PemKind = 'certificate' | 'key';

// The labels OpenSSL reads a certificate under (PEM_read_bio_X509_AUX), and every private key's
// (`PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`).
const CERTIFICATE_LABELS = [
  '-----BEGIN CERTIFICATE-----',
  '-----BEGIN TRUSTED CERTIFICATE-----',
  '-----BEGIN X509 CERTIFICATE-----',
];

/**
 * Why a PEM file cannot be what its variable names, or undefined. Node takes a CA file that holds
 * no certificate (a key named by mistake, a DER file, an empty one) without a word, and then trusts
 * nothing: every export failed, with the hint to trust the CA through the very variable that was
 * set. Only the labels are checked here (what a certificate holds is OpenSSL's to read).
 */
export function pemProblem(kind: PemKind, bytes: Buffer): string | undefined {
  const text = bytes.toString('latin1');
  if (kind === 'certificate') {
    return CERTIFICATE_LABELS.some((label) => text.includes(label))
      ? undefined
      : 'it holds no PEM certificate ("-----BEGIN CERTIFICATE-----"; a DER file must be converted: openssl x509 -inform der)';
  }
  return text.includes('-----BEGIN ') && text.includes('PRIVATE KEY-----')
    ? undefined
    : // Not quoted: the log scrubber takes a private key's PEM label for the start of a key.
      'it holds no private key in PEM form';
}

/**
 * The TLS context of the client key and certificate (and `ca`, when given), or why they cannot be
 * used together: OpenSSL's reason (`key values mismatch`, an encrypted key, an unsupported one).
 * Such a pair failed every export's connection (`could not start the call: error:1E08010C:DECODER
 * routines::unsupported`), naming neither variable. The context is the transport's for every
 * connection: the check built one only to drop it, and each connection then built its own.
 */
export function keyPairContext(
  key: Buffer,
  cert: Buffer,
  ca: Buffer | undefined,
): { context: SecureContext; problem?: undefined } | { context?: undefined; problem: string } {
  const tls = lazyRequire('node:tls') as typeof import('node:tls');
  try {
    return { context: tls.createSecureContext(ca ? { ca, key, cert } : { key, cert }) };
  } catch (error) {
    return { problem: errorMessage(error) };
  }
}
