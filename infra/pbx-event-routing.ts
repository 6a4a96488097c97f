/**
 * EventBridge side of the bus: one rule per route of
 * contracts/bus/event-routes.ts on the PBX bus (the same patterns the
 * in-process bus uses locally), and the schedules of the catalog on the
 * default bus (a rule has either an event pattern on a bus or a schedule on
 * the default bus, never both).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EventRoute } from '../contracts/bus/event-routes.js';
import { isSchedule, scheduleExpression, type CatalogEntry } from './function-catalog.js';

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
        const fn = props.functions.get(route.consumer.name);
        if (!fn) continue; // handler not written yet: the rule comes with it
        target = new targets.LambdaFunction(fn, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue: this.deadLetters });
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
}
