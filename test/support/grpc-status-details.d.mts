// Hand-written types for ./grpc-status-details.mjs.
export const RETRY_INFO_TYPE: string;
export function varint(value: number | bigint): Buffer;
export function lengthField(number: number, bytes: string | Uint8Array): Buffer;
export function varintField(number: number, value: number | bigint): Buffer;
export function duration(delay?: { seconds?: number | bigint; nanos?: number }): Buffer;
export function any(typeUrl: string, value: Uint8Array): Buffer;
export function retryInfo(delay: { seconds?: number | bigint; nanos?: number }): Buffer;
export function status(status: { code: number; message?: string; details?: Uint8Array[] }): Buffer;
export function retryInfoStatus(code: number, message: string, delayMs: number): Buffer;
