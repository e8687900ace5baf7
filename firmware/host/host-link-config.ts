import type { HostSection } from '../hal/board-config.js';
import type { TcpHostLinkConfig } from './tcp-host-link.js';

/**
 * The link settings a board config's "host" section gives (board-config.ts validates the section
 * against the schema). What the section does not say keeps the link's defaults: short connections,
 * 10 s to connect, 60 s for a response.
 */
export function tcpHostLinkConfig(
  section: HostSection,
  extra: Omit<TcpHostLinkConfig, 'host' | 'port' | 'connectTimeoutMs' | 'responseTimeoutMs'> = {},
): TcpHostLinkConfig {
  const config: TcpHostLinkConfig = { ...extra, host: section.address, port: section.port };
  if (section.timeouts?.connectMs !== undefined) config.connectTimeoutMs = section.timeouts.connectMs;
  if (section.timeouts?.responseMs !== undefined) config.responseTimeoutMs = section.timeouts.responseMs;
  return config;
}
