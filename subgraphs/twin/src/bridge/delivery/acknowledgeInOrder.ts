import type { IPublishPacket, MqttClient } from 'mqtt';

interface PendingAck {
  messageId: number | undefined;
  stored: boolean;
  next: PendingAck | null;
}

/** The acks owed on one connection, oldest first (a linked list: a thousand in flight make `shift()` costly). */
interface AckQueue {
  first: PendingAck | null;
  last: PendingAck | null;
}

/** MQTT.js skips its own PUBACK when handleMessage calls back with an error; the PUBACK is then ours to send. */
const acknowledgedLater = new Error('acknowledged after its effects are stored');

/** A PUBACK with reason 0 and no properties: type, remaining length 2, message id (the same bytes in 3.1.1 and 5). */
const pubackBytes = 4;

/** The PUBACKs of the acks at the head of `queue` that are stored, taken off it, oldest first, in one buffer. */
function takeStoredAcks(queue: AckQueue): Buffer | null {
  let count = 0;
  for (let ack = queue.first; ack?.stored; ack = ack.next) if (ack.messageId !== undefined) count++;
  const packets = count > 0 ? Buffer.allocUnsafe(count * pubackBytes) : null;
  let offset = 0;
  while (queue.first?.stored) {
    const { messageId } = queue.first;
    queue.first = queue.first.next;
    if (queue.first === null) queue.last = null;
    if (messageId !== undefined && packets) {
      packets[offset] = 0x40;
      packets[offset + 1] = 2;
      packets.writeUInt16BE(messageId, offset + 2);
      offset += pubackBytes;
    }
  }
  return packets;
}

/**
 * Lets one MQTT connection store many messages at once while keeping every promise of QoS 1: each message is handed
 * to `store` as it arrives (which must take it in that order before its first await: the group commit keeps one
 * entity's readings in arrival order from there), and PUBACKs go out in arrival order, each only after its message
 * and all earlier ones are stored. MQTT.js has no public manual-ack API, so the PUBACKs that a turn of the event loop
 * releases are written to its stream as one buffer (through MQTT.js's packet writer, each was three writes and a dozen
 * debug calls);
 * acks owed on a connection that closed are dropped (message ids are reused after reconnecting) and the broker
 * redelivers those messages.
 */
export function acknowledgeInOrder(client: MqttClient, store: (packet: IPublishPacket) => Promise<void>) {
  let acks: AckQueue = { first: null, last: null };
  // Messages taken and not yet settled, and who waits for none to be left (a count: a Set of promises cost a
  // promise and a closure more per message).
  let inFlight = 0;
  let drained: (() => void)[] = [];

  client.on('close', () => {
    acks = { first: null, last: null };
  });

  // One flush per turn, after the turn's settlements: a commit settles its readings one promise reaction each, and
  // its PUBACKs go out together, before anyone waiting for the drain hears of it.
  let flushQueued = false;

  function flush(): void {
    flushQueued = false;
    const packets = takeStoredAcks(acks);
    if (packets && client.connected) client.stream.write(packets);
    if (inFlight > 0 || drained.length === 0) return;
    const waiting = drained;
    drained = [];
    for (const resolve of waiting) resolve();
  }

  function settled(): void {
    inFlight--;
    if (flushQueued) return;
    flushQueued = true;
    process.nextTick(flush);
  }

  client.handleMessage = (packet, callback) => {
    const pending: PendingAck = { messageId: packet.qos > 0 ? packet.messageId : undefined, stored: false, next: null };
    if (acks.last) acks.last.next = pending;
    else acks.first = pending;
    acks.last = pending;
    inFlight++;
    store(packet).then(() => {
      pending.stored = true;
      settled();
    }, settled);
    callback(packet.qos > 0 ? acknowledgedLater : undefined);
  };

  return {
    /** Resolves when every message taken so far is stored (and acknowledged, if its connection is still open). */
    drain(): Promise<void> {
      if (inFlight === 0 && !flushQueued) return Promise.resolve();
      return new Promise((resolve) => drained.push(resolve));
    },
  };
}
