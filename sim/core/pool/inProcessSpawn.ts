import type { Spawn, WorkerHandle } from "./pool.ts";
import { exposeWorkerApi } from "./workerApi.ts";

/**
 * A pool "worker" in the calling thread: the worker API exposed on one end of a MessageChannel
 * (browsers and Node both have it). It runs the same code as a worker thread without the cost
 * of starting one, so short runs and --workers 1 pay no start-up; each chunk blocks the thread
 * for about 100 ms (the pool's adaptive chunk size), so signals are still handled between
 * chunks. Fault injection that kills a worker would kill the caller: tests use threads for that.
 */
export function inProcessSpawn(): Spawn {
  return (): WorkerHandle => {
    const { port1, port2 } = new MessageChannel();
    exposeWorkerApi(port2);
    return {
      endpoint: port1,
      terminate() {
        port1.close();
        port2.close();
      },
      onFailure() {},
    };
  };
}
