// Loaded with NODE_OPTIONS=--import (where --cpu-prof is not allowed): the first SIGUSR2 starts profiling the process,
// the next one writes <pid>.cpuprofile into CPU_PROFILE_DIR (for Chrome DevTools or speedscope), so a profile holds
// exactly the measured runs whatever way the process later stops.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const { env } = process;
const dir = env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      session.post('Profiler.start');
      running = true;
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
