/** The Redis Cluster slot (0..16383) of a key, honouring `{hash tags}`; ioredis' own helper. */
declare module 'cluster-key-slot' {
  function calculateSlot(key: string | Buffer): number;
  export default calculateSlot;
}
