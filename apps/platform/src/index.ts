export { type EmbeddedBroker, type EmbeddedBrokerOptions, startEmbeddedBroker } from './broker/startEmbeddedBroker.ts';
export { configFromEnv, platformConfig } from './configFromEnv.ts';
export {
  defaultPorts,
  devJwtSecret,
  type Platform,
  type PlatformOptions,
  type PlatformPiece,
  type PlatformPorts,
  type PlatformUrls,
  startPlatform,
} from './startPlatform.ts';
