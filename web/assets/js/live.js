// The live feed (/ws): connects (with a ticket when signed in), hands each message to `onMessage`,
// reports its state ('connecting' | 'live' | 'offline') and reconnects with a growing delay (1 s .. 15 s).
import { liveFeedUrl } from './api.js';

export class LiveFeed {
  constructor({ onMessage, onState }) {
    this.onMessage = onMessage;
    this.onState = onState;
    this.ws = null;
    this.timer = null;
    this.delay = 1000;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    queueMicrotask(() => this.connect());
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.close();
      this.ws = null;
    }
  }

  async connect() {
    if (this.stopped) return;
    this.onState('connecting');
    let url;
    try {
      url = await liveFeedUrl();
    } catch {
      this.retry();
      return;
    }
    if (this.stopped) return;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.delay = 1000;
      this.onState('live');
    };
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg && msg.type !== 'ping') this.onMessage(msg);
    };
    ws.onclose = () => {
      this.ws = null;
      this.retry();
    };
  }

  retry() {
    if (this.stopped) return;
    this.onState('offline');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), this.delay);
    this.delay = Math.min(this.delay * 2, 15000);
  }
}
