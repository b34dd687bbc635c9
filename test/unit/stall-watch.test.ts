import { EventEmitter } from 'events';
import type { Socket } from 'net';
import { StallWatch } from '../../lib/stall-watch';

/** A socket as the watch sees it: data and drain events, close, destroy with an error. */
function fakeSocket() {
  const socket = new EventEmitter() as EventEmitter & { destroyedWith?: Error; destroy(error: Error): void };
  socket.destroy = (error: Error) => {
    socket.destroyedWith = error;
  };
  return socket;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds this process's event loop for `ms`, as SIGSTOP does: no timer runs meanwhile. */
function freeze(ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else runs
  }
}

describe('StallWatch', () => {
  let watch: StallWatch | null = null;
  afterEach(() => watch?.stop());

  it('drops a connection that owes a reply and sends nothing for the limit, naming the server', async () => {
    const socket = fakeSocket();
    watch = new StallWatch(socket as unknown as Socket, 400, () => true, 'source MySQL at db:3306');
    await sleep(250);
    expect(watch.stalled).toBe(false);
    await sleep(400);
    expect(watch.stalled).toBe(true);
    expect(socket.destroyedWith?.message).toBe(
      'the source MySQL at db:3306 stopped answering: nothing came back for 0.4 s while a reply was due ' +
        '(--timeout / SYNC_TIMEOUT_SECONDS); check that server and the network to it, then run again',
    );
  });

  it('counts bytes that arrive as progress, and time when nothing is owed as no silence', async () => {
    const socket = fakeSocket();
    let owed = false;
    watch = new StallWatch(socket as unknown as Socket, 400, () => owed, 'warehouse');
    await sleep(600);
    owed = true;
    for (let i = 0; i < 6; i++) {
      await sleep(100);
      socket.emit('data', Buffer.from('x'));
    }
    expect(watch.stalled).toBe(false);
  });

  it('does not blame the server for a pause of this process longer than the limit, and still watches after it', async () => {
    const socket = fakeSocket();
    watch = new StallWatch(socket as unknown as Socket, 400, () => true, 'source');
    await sleep(100);
    freeze(1_500);
    await sleep(200);
    expect(watch.stalled).toBe(false);
    expect(socket.destroyedWith).toBeUndefined();
    await sleep(500);
    expect(watch.stalled).toBe(true);
  });
});
