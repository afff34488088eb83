import type { Server } from 'node:net';

export declare const SEED_PASSWORD: string;
export declare function seedEmail(index: number): string;
export declare const OIDC_CLIENT: { id: string; secret: string };
export declare const OIDC_JWT_RESOURCE: string;
export declare function announce(server: Server, credentials?: Record<string, string>): void;
export declare function onShutdown(close: () => unknown): void;
