// A CPU profile of the orchestrator under the orchestrator bench's load: the same commands driven through a
// fresh deployment by an orchestrator started with --cpu-prof, apart from the measured runs so the profiler's
// cost stays out of their figures. The profile is copied to bench/results/orchestrator.cpuprofile (open it in
// Chrome DevTools or VS Code) and summed by function.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EnvelopeCodec } from '../services/platform/codec/envelope-codec';
import { toCommandEnvelope } from '../services/platform/codec/command-envelope';
import { topicNames } from '../services/platform/kafka/topic-names';
import { provisionTopics } from '../services/platform/kafka/topic-provisioner';
import { benchKafka, distRoot, removeDeployment, resultsDir, Services, type Endpoints } from './bench-rig';
import { instanceCommands } from './bench-traffic';
import { selfTimes, type CpuProfile, type SelfTime } from './cpu-profile';
import { drive, orchestratorEnv, PARTITIONS } from './orchestrator-bench';

export interface ProfileFigures {
  /** Transitions per second of the profiled run: the profiler's cost included, so not comparable to the bench's. */
  readonly profiled_tps: number;
  readonly file: string;
  readonly top: SelfTime[];
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
    const written = path.join(logDir, PROFILE_NAME);
    if (!existsSync(written)) throw new Error(`the orchestrator wrote no profile to ${written}`);
    const file = path.join(resultsDir, PROFILE_NAME);
    copyFileSync(written, file);
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const figures = {
      profiled_tps: Number(tps.toFixed(1)),
      file: path.relative(path.resolve(distRoot, '..'), file),
      top: selfTimes(profile, path.resolve(distRoot, '..')).slice(0, top),
    };
    log(
      `orchestrator profile (${figures.profiled_tps} transitions/s under the profiler), top ${top} by self time:`,
    );
    for (const entry of figures.top)
      log(`  ${String(entry.self_pct).padStart(5)} %  ${entry.self_ms} ms  ${entry.function}`);
    log(`profile written to ${file}`);
    return figures;
  } finally {
    await services.stopAll();
    await removeDeployment(endpoints, admin, topics, prefix, log);
  }
}
