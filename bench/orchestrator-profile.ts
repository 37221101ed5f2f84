// A CPU profile of the orchestrator under the orchestrator bench's load: the same commands driven through a
// fresh deployment by an orchestrator started with --cpu-prof, apart from the measured runs so the profiler's
// cost stays out of their figures. The profile is copied to bench/results/orchestrator.cpuprofile (open it in
// Chrome DevTools or VS Code) and summed by function.
import path from 'node:path';
import { EnvelopeCodec } from '../services/platform/codec/envelope-codec';
import { toCommandEnvelope } from '../services/platform/codec/command-envelope';
import { topicNames } from '../services/platform/kafka/topic-names';
import { provisionTopics } from '../services/platform/kafka/topic-provisioner';
import { benchKafka, removeDeployment, resultsDir, Services, type Endpoints } from './bench-rig';
import { instanceCommands } from './bench-traffic';
import { keepProfile, type KeptProfile } from './cpu-profile';
import { drive, orchestratorEnv, PARTITIONS } from './orchestrator-bench';

export interface ProfileFigures extends KeptProfile {
  /** Transitions per second of the profiled run: the profiler's cost included, so not comparable to the bench's. */
  readonly profiled_tps: number;
}

const PROFILE_NAME = 'orchestrator.cpuprofile';
const log = (line: string) => process.stdout.write(`${line}\n`);

export async function orchestratorProfile(
  endpoints: Endpoints,
  commands: number,
  top: number,
): Promise<ProfileFigures> {
  const prefix = `bench-profile-${Date.now()}`;
  const kafka = benchKafka(endpoints.kafkaBrokers);
  const topics = topicNames(prefix);
  const admin = kafka.admin();
  await admin.connect();
  const logDir = path.join(resultsDir, 'logs', prefix);
  const services = new Services(logDir);
  try {
    await provisionTopics(admin, topics, {
      partitions: PARTITIONS,
      replicationFactor: 1,
      transitionsRetentionMs: -1,
    });
    const codec = await EnvelopeCodec.connect({ registryUrl: endpoints.schemaRegistryUrl, topics });
    const encode = (id: string) =>
      instanceCommands(id, Date.now()).map((command) => ({
        key: id,
        value: codec.encode('command', toCommandEnvelope(command)),
      }));
    const instances = Math.ceil(commands / 3);
    const messages = Array.from({ length: instances }, (_, i) => `profile-${i}`).flatMap(encode);
    const profilerArgs = ['--cpu-prof', `--cpu-prof-dir=${logDir}`, `--cpu-prof-name=${PROFILE_NAME}`];
    const { perSecond: tps } = await drive(
      kafka,
      services,
      { input: topics.commands, output: topics.transitions },
      encode('warmup'),
      messages,
      () =>
        services.start(
          'orchestrator-profile',
          'services/orchestrator/main.js',
          orchestratorEnv(endpoints, prefix),
          profilerArgs,
        ),
    );
    // drive() stopped the orchestrator: the profile was written as it exited.
    const kept = keepProfile(
      path.join(logDir, PROFILE_NAME),
      PROFILE_NAME,
      top,
      `orchestrator profile (${tps.toFixed(1)} transitions/s under the profiler)`,
    );
    return { profiled_tps: Number(tps.toFixed(1)), ...kept };
  } finally {
    await services.stopAll();
    await removeDeployment(endpoints, admin, prefix, log);
  }
}
