/** A throwaway PostgreSQL cluster (scripts/postgres-cluster.js). */
export interface Cluster {
  url: string;
  /** Stops the server (fast shutdown: connections are cut) and removes its folder. */
  stop(): void;
  /** Stops the server and keeps its data, as an outage would. */
  pause(): void;
  /** Starts it again on the same port and data. */
  resume(): void;
}

/** Starts one: initdb in a temporary folder, a server on a free loopback port (as `postgres` under root). */
export function startCluster(options?: { durable?: boolean }): Promise<Cluster>;
