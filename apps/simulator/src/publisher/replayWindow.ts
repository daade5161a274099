/** A reading the broker acknowledged, as it went out: replayed byte for byte, so the bridge sees the same event. */
export interface AcknowledgedReading {
  topic: string;
  payload: string;
  /** When the broker's PUBACK came, epoch milliseconds. */
  ackedAt: number;
}

export interface ReplayWindowLimits {
  /** Readings acknowledged this long before the connection was lost are replayed after it comes back. */
  windowMs: number;
  /** Bounds on what is kept (the oldest go first, counted in `evicted`): a device's memory is finite. */
  maxReadings: number;
  maxBytes: number;
}

/**
 * The readings a device published in the last `windowMs`, oldest first. A broker's PUBACK is not durable (Mosquitto
 * acknowledges before it saves), so these are the readings a broker crash may have lost. Pure: the caller gives times.
 */
export class ReplayWindow {
  private entries: AcknowledgedReading[] = [];
  /** Index of the oldest kept entry: dropping from the front is a move of this index, not an array shift. */
  private head = 0;
  private bytes = 0;
  private evictedCount = 0;

  constructor(private readonly limits: ReplayWindowLimits) {}

  /** Records a reading acknowledged at `ackedAt`, forgetting what fell out of the window or past the bounds. */
  add(topic: string, payload: string, ackedAt: number): void {
    this.entries.push({ topic, payload, ackedAt });
    this.bytes += sizeOf(topic, payload);
    this.expire(ackedAt);
    while (this.size() > this.limits.maxReadings || this.bytes > this.limits.maxBytes) {
      this.dropOldest();
      this.evictedCount++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Forgets the readings acknowledged more than `windowMs` before `now`. */
  expire(now: number): void {
    const oldest = now - this.limits.windowMs;
    while (this.size() > 0 && (this.entries[this.head] as AcknowledgedReading).ackedAt < oldest) this.dropOldest();
  }

  /**
   * Empties the window and returns, oldest first, what was acknowledged in the `windowMs` before the connection was
   * lost at `lostAt` (not before now: a broker down longer than the window must still get its unsaved tail back).
   */
  take(lostAt: number): AcknowledgedReading[] {
    this.expire(lostAt);
    const taken = this.entries.slice(this.head);
    this.entries = [];
    this.head = 0;
    this.bytes = 0;
    return taken;
  }

  size(): number {
    return this.entries.length - this.head;
  }

  /** Readings dropped by the count or byte bound before their window had passed: a crash then could lose them. */
  evicted(): number {
    return this.evictedCount;
  }

  private dropOldest(): void {
    const oldest = this.entries[this.head] as AcknowledgedReading;
    this.bytes -= sizeOf(oldest.topic, oldest.payload);
    this.head++;
  }
}

const sizeOf = (topic: string, payload: string) => topic.length + payload.length;
