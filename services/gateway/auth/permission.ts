// What a route may require of its caller, and the least role that holds each permission. `public` marks a route
// that needs no credentials; every route of the table declares one or the other.
import type { Role } from './role';

export const PERMISSIONS = [
  'instances:read',
  'instances:start',
  'instances:signal',
  'instances:cancel',
  'admin:*',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export type RoutePermission = Permission | 'public';

export const MINIMUM_ROLE: Readonly<Record<Permission, Role>> = {
  'instances:read': 'viewer',
  'instances:start': 'operator',
  'instances:signal': 'operator',
  'instances:cancel': 'operator',
  'admin:*': 'admin',
};

export const isRoutePermission = (value: unknown): value is RoutePermission =>
  value === 'public' || (PERMISSIONS as readonly unknown[]).includes(value);
