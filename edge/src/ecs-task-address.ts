/**
 * The private IPv4 address of this ECS task (Fargate, awsvpc), from the task
 * metadata endpoint v4. Other edges send SIP for devices this edge holds to
 * it: the advertised host is the load balancer's public name, which would
 * land on any task.
 */
export async function ecsTaskPrivateAddress(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const base = env.ECS_CONTAINER_METADATA_URI_V4;
  if (!base) return undefined;
  try {
    const res = await fetch(`${base}/task`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return undefined;
    const task = (await res.json()) as { Containers?: Array<{ Networks?: Array<{ IPv4Addresses?: string[] }> }> };
    return task.Containers?.flatMap((c) => c.Networks ?? []).flatMap((n) => n.IPv4Addresses ?? [])[0];
  } catch {
    return undefined;
  }
}
