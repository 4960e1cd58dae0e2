// Does an EventBridge pattern match an event? Asked of moto's EventBridge the way AWS routes
// events: a probe rule with the pattern sends to an SQS queue, the event goes in with PutEvents
// (as RDS emits it: source, detail-type, resources, detail), and what reaches the queue matched.
// moto's TestEventPattern API answers nothing (it is a stub), so the routing path is used. The
// probe lives on an event bus of its own, so rules on the default bus (a deployed stack's) never
// see the probe events.
import {
  CreateEventBusCommand,
  DeleteRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { clientConfig } from "./world";

export interface AwsEvent {
  readonly source: string;
  readonly "detail-type": string;
  readonly resources?: string[];
  readonly time?: string;
  readonly detail: Record<string, unknown>;
}

export interface EventMatcher {
  matches(pattern: object | string, event: AwsEvent): Promise<boolean>;
}

export async function eventMatcher(url: string): Promise<EventMatcher> {
  const events = new EventBridgeClient(clientConfig(url));
  const sqs = new SQSClient(clientConfig(url));
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "pattern-probe" }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] })))
    .Attributes!.QueueArn!;
  const bus = "pattern-probe";
  await events.send(new CreateEventBusCommand({ Name: bus }));
  let probes = 0;
  return {
    async matches(pattern, event) {
      const rule = `pattern-probe-${++probes}`;
      await events.send(
        new PutRuleCommand({
          Name: rule,
          EventBusName: bus,
          EventPattern: typeof pattern === "string" ? pattern : JSON.stringify(pattern),
        }),
      );
      await events.send(
        new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: "probe", Arn: queueArn }] }),
      );
      try {
        const put = await events.send(
          new PutEventsCommand({
            Entries: [
              {
                EventBusName: bus,
                Source: event.source,
                DetailType: event["detail-type"],
                Resources: event.resources,
                Time: event.time ? new Date(event.time) : undefined,
                Detail: JSON.stringify(event.detail),
              },
            ],
          }),
        );
        if (put.FailedEntryCount) throw new Error(`PutEvents refused the event: ${JSON.stringify(put.Entries)}`);
        const received =
          (
            await sqs.send(
              new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
            )
          ).Messages ?? [];
        for (const m of received)
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
        return received.some((m) => JSON.parse(m.Body!).detail?.EventID === event.detail.EventID);
      } finally {
        await events.send(new RemoveTargetsCommand({ Rule: rule, EventBusName: bus, Ids: ["probe"] }));
        await events.send(new DeleteRuleCommand({ Name: rule, EventBusName: bus }));
      }
    },
  };
}
