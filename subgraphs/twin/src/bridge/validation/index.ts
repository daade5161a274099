export {
  defaultMaxEventAgeMs,
  geolocationPattern,
  maxBatchReadings,
  maxFutureSkewMs,
  maxPayloadBytes,
  messagePayloadSchema,
  type ReadingPayload,
  readingPayloadSchema,
} from './readingPayload.ts';
export {
  type DeviceTopic,
  deviceTopic,
  type EntityType,
  entityCodePattern,
  parseDeviceTopic,
  type TopicFamily,
} from './topic.ts';
export {
  type DeviceReading,
  type RejectionReason,
  type ValidatedMessage,
  type ValidationLimits,
  validateMessage,
} from './validateMessage.ts';
