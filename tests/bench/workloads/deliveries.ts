/**
 * Which device got which numbered message (W2, W2S, W2P), each counted once: a server may relay
 * an update again (another process's gap read, a document loaded behind what its sockets were
 * served) or carry several messages in one update (a missed range merged), and a delivery counted
 * per frame would let a repeat stand in for a message that never came.
 */
export class Deliveries {
  private readonly got: Uint8Array;
  /** Deliveries that came again after the first (not counted as deliveries). */
  repeats = 0;
  /** Deliveries still expected. */
  missing: number;

  /**
   * @param messages numbered 0 … messages − 1
   * @param receivers devices per message's group, numbered 0 … receivers − 1 (the sender among them)
   */
  constructor(
    private readonly messages: number,
    private readonly receivers: number,
  ) {
    this.got = new Uint8Array(messages * receivers);
    this.missing = messages * (receivers - 1);
  }

  /** Message `message` reached device `receiver`; true the first time only. */
  take(message: number, receiver: number): boolean {
    const at = message * this.receivers + receiver;
    if (this.got[at]) {
      this.repeats++;
      return false;
    }
    this.got[at] = 1;
    this.missing--;
    return true;
  }

  /**
   * What is missing, in words for the run's error: messages no receiver got (a message lost
   * whole: never relayed, or its sender closed), and single deliveries (a receiver that stopped
   * hearing). `senderOf` and `groupOf` name a message's sender and group.
   */
  describe(senderOf: (message: number) => number, groupOf: (message: number) => number): string {
    const whole: number[] = [];
    let single = 0;
    const deafReceivers = new Set<string>();
    for (let k = 0; k < this.messages; k++) {
      let absent = 0;
      for (let r = 0; r < this.receivers; r++) {
        if (r === senderOf(k) || this.got[k * this.receivers + r]) continue;
        absent++;
        deafReceivers.add(`${groupOf(k)}/${r}`);
      }
      if (absent === this.receivers - 1) whole.push(k);
      else single += absent;
    }
    const groups = [...new Set(whole.map(groupOf))];
    const first = whole.slice(0, 5).join(', ');
    return (
      `${whole.length} messages reached no receiver (groups ${groups.slice(0, 10).join(', ')}; ` +
      `first ${first || 'none'}), ${single} other deliveries missing ` +
      `(${deafReceivers.size} group/device pairs missing any), ${this.repeats} repeated deliveries`
    );
  }
}
