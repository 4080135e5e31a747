// The application's own objects that README/docs snippets use, as a service would have them.
// Loosely typed on purpose: the test checks our API (names, options, signatures), not the app's.
declare const app: import('express').Express;
declare const orders: { create(body: unknown): Promise<unknown> };
declare const db: any;
declare const id: string;
declare const tenant: string;
declare const gateway: { charge(orderId: string, cents: number): Promise<unknown> };
declare const pool: { acquire(cb: (err: Error | null, client: unknown) => void): void };
declare const req: import('node:events').EventEmitter;
declare const mailer: { send(order: unknown): Promise<unknown> };
declare const search: { index(order: unknown): Promise<unknown> };
declare const order: unknown;
declare const body: Buffer;
declare const channel: import('amqplib').Channel;
declare function handle(msg: unknown): Promise<void>;
declare const reportId: string;
declare function render(reportId: string): Promise<unknown>;
declare function callInventory(): Promise<unknown>;
declare const server: import('node:http').Server;
