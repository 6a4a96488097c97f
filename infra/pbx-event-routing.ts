/**
 * EventBridge side of the bus: one rule per route of
 * contracts/bus/event-routes.ts on the PBX bus (the same patterns the
 * in-process bus uses locally), and the schedules of the catalog on the
 * default bus (a rule has either an event pattern on a bus or a schedule on
 * the default bus, never both).
 *
 * A route with `batching` (CallEventsToCdr) targets an SQS queue instead of
 * the function, and the function reads the queue through an event source
 * with that batch size and window: one invoke per batch instead of per
 * event, and cdr writes a short call's events as one request. The window
 * is the bound on how late a CDR appears (plus the function's run). A
 * record cdr cannot write is returned in batchItemFailures and redelivered;
 * after maxReceiveCount it moves to the queue's dead-letter queue.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EventRoute } from '../contracts/bus/event-routes.js';
import { isSchedule, scheduleExpression, type CatalogEntry } from './function-catalog.js';
import { functionTimeoutSeconds } from './pbx-functions.js';

export interface PbxEventRoutingProps {
  readonly bus: events.IEventBus;
  readonly routes: readonly EventRoute[];
  readonly catalog: readonly CatalogEntry[];
  /** Functions that exist (PbxFunctions.byName); routes and schedules of the others wait for them. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  readonly logRetentionDays: number;
}

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

export class PbxEventRouting extends Construct {
  /** Ban and trunk events for the admins (the route consumer "event-log"). */
  readonly eventLog: logs.LogGroup;
  /** Events a function target could not take after the retries (nothing is dropped silently). */
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: PbxEventRoutingProps) {
    super(scope, id);
    this.eventLog = new logs.LogGroup(this, 'EventLog', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', { retentionPeriod: Duration.days(14), enforceSSL: true });

    for (const route of props.routes) {
      let target: events.IRuleTarget;
      if (route.consumer.kind === 'function') {
        const name = route.consumer.name;
        const fn = props.functions.get(name);
        if (!fn) continue; // handler not written yet: the rule comes with it
        const entry = props.catalog.find((e) => e.name === name);
        target = route.batching
          ? this.batchedTarget(route.id, fn, route.batching, functionTimeoutSeconds(entry))
          : new targets.LambdaFunction(fn, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue: this.deadLetters });
      } else {
        target = new targets.CloudWatchLogGroup(this.eventLog, { installLatestAwsSdk: false });
      }
      new events.Rule(this, route.id, {
        eventBus: props.bus,
        description: route.description,
        eventPattern: {
          ...(route.pattern.source ? { source: [...route.pattern.source] } : {}),
          ...(route.pattern.detailType ? { detailType: [...route.pattern.detailType] } : {}),
        },
        targets: [target],
      });
    }

    for (const entry of props.catalog) {
      if (!isSchedule(entry.trigger)) continue;
      const fn = props.functions.get(entry.name);
      if (!fn) continue;
      new events.Rule(this, `${pascal(entry.name)}Schedule`, {
        description: `${entry.name}: ${entry.description}`,
        schedule: events.Schedule.expression(scheduleExpression(entry.trigger.schedule)),
        targets: [new targets.LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.minutes(30), deadLetterQueue: this.deadLetters })],
      });
    }
  }

  /** Rule → queue (encrypted, TLS only, with its DLQ) → the function, in batches. */
  private batchedTarget(
    routeId: string,
    fn: lambda.IFunction,
    batching: NonNullable<EventRoute['batching']>,
    timeoutSeconds: number,
  ): events.IRuleTarget {
    const deadLetters = new sqs.Queue(this, `${routeId}DeadLetters`, {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const queue = new sqs.Queue(this, `${routeId}Queue`, {
      // AWS: at least six times the function's timeout, so a batch being retried is not handed out again meanwhile.
      visibilityTimeout: Duration.seconds(6 * timeoutSeconds),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A record that fails five deliveries (a malformed event, a persistent store error) is kept for an admin.
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
    });
    fn.addEventSource(
      new sources.SqsEventSource(queue, {
        batchSize: batching.maxBatchSize,
        maxBatchingWindow: Duration.seconds(batching.maxWindowSeconds),
        reportBatchItemFailures: true,
      }),
    );
    // The rule's own delivery to SQS rarely fails; if it does, the event goes to the routing DLQ like the other targets'.
    return new targets.SqsQueue(queue, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue: this.deadLetters });
  }
}
