// Serial runs: the function's triggers go through a FIFO queue with one message group, and
// Lambda's event source mapping holds one batch of a group in flight at a time. Here the
// queues are made in moto with the settings the provider stack synthesizes, events reach them
// through an EventBridge rule with the synthesized target, and a poller that receives as
// Lambda's does finds one batch at a time. What moto cannot show: Lambda's own poller (moto
// runs no event source mapping without Docker); that it keeps one batch per group in flight
// is the documented behaviour of Lambda with FIFO queues, and what is asserted of the mapping
// here is its synthesized settings (the construct test).
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { rdsEventPattern, runEvent } from "../../functions/failover-sync/events";
import { DOCUMENTED_CLUSTER_EVENT, withName } from "../fixtures/rds-events";
import { type Json, resources, synthesize } from "../helpers";
import { type Moto, startMoto } from "../support/moto";
import { clientConfig } from "../support/world";

jest.setTimeout(60_000);

const ARN = "arn:aws:rds:us-east-1:123456789012";
const { json } = synthesize();
const queues = resources(json.provider, "aws_sqs_queue") as Json[];
const RUN = queues.find((q) => q.name.endsWith("-runs.fifo"))!;
const DLQ = queues.find((q) => q.name.endsWith("-dlq.fifo"))!;
const TARGET = (resources(json.provider, "aws_cloudwatch_event_target") as Json[])[0];
const MAPPING = (resources(json.provider, "aws_lambda_event_source_mapping") as Json[])[0];

let moto: Moto;
let sqs: SQSClient;
let runUrl: string;
let dlqUrl: string;
let events: EventBridgeClient;

const event = (eventId: string, i: number) => ({
  ...withName(DOCUMENTED_CLUSTER_EVENT, "my-db-cluster", "orders", { eventId }),
  time: `2026-11-22T10:00:0${i}Z`,
});

async function putEvent(e: ReturnType<typeof event>) {
  const put = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: "runs",
          Source: e.source,
          DetailType: e["detail-type"],
          Resources: e.resources,
          Time: new Date(e.time),
          Detail: JSON.stringify(e.detail),
        },
      ],
    }),
  );
  expect(put.FailedEntryCount).toBe(0);
}

/** One poll as Lambda's event source mapping makes it: up to batch_size messages, no waiting. */
async function poll(): Promise<Message[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: runUrl,
      MaxNumberOfMessages: MAPPING.batch_size,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ["All"],
    }),
  );
  return out.Messages ?? [];
}

async function done(batch: Message[]) {
  for (const m of batch)
    await sqs.send(new DeleteMessageCommand({ QueueUrl: runUrl, ReceiptHandle: m.ReceiptHandle! }));
}

async function queueDepth(url: string): Promise<number> {
  const a = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(a.Attributes!.ApproximateNumberOfMessages) + Number(a.Attributes!.ApproximateNumberOfMessagesNotVisible)
  );
}

beforeAll(async () => {
  moto = await startMoto();
  sqs = new SQSClient(clientConfig(moto.url));
  events = new EventBridgeClient(clientConfig(moto.url));
});

afterAll(async () => moto?.stop());

beforeEach(async () => {
  await moto.reset();
  dlqUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: DLQ.name,
        Attributes: { FifoQueue: String(DLQ.fifo_queue), SqsManagedSseEnabled: String(DLQ.sqs_managed_sse_enabled) },
      }),
    )
  ).QueueUrl!;
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] })))
    .Attributes!.QueueArn!;
  const redrive = JSON.parse(RUN.redrive_policy);
  runUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: RUN.name,
        Attributes: {
          FifoQueue: String(RUN.fifo_queue),
          ContentBasedDeduplication: String(RUN.content_based_deduplication),
          SqsManagedSseEnabled: String(RUN.sqs_managed_sse_enabled),
          VisibilityTimeout: String(RUN.visibility_timeout_seconds),
          RedrivePolicy: JSON.stringify({ ...redrive, deadLetterTargetArn: dlqArn }),
        },
      }),
    )
  ).QueueUrl!;
  const runArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: runUrl, AttributeNames: ["QueueArn"] })))
    .Attributes!.QueueArn!;
  await events.send(new CreateEventBusCommand({ Name: "runs" }));
  await events.send(
    new PutRuleCommand({
      Name: "rds-events",
      EventBusName: "runs",
      EventPattern: JSON.stringify(rdsEventPattern([`${ARN}:cluster:orders`])),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: "rds-events",
      EventBusName: "runs",
      Targets: [{ Id: "runs", Arn: runArn, SqsParameters: { MessageGroupId: TARGET.sqs_target.message_group_id } }],
    }),
  );
});

describe("the run queue, with the synthesized settings, in moto", () => {
  it("receives the rule's events in one message group, in order", async () => {
    for (const [i, id] of ["RDS-EVENT-0072", "RDS-EVENT-0071", "RDS-EVENT-0005"].entries())
      await putEvent(event(id, i));
    const batch = await poll();
    expect(batch.map((m) => JSON.parse(m.Body!).detail.EventID)).toEqual([
      "RDS-EVENT-0072",
      "RDS-EVENT-0071",
      "RDS-EVENT-0005",
    ]);
    expect(new Set(batch.map((m) => m.Attributes!.MessageGroupId))).toEqual(new Set(["runs"]));
    // The handler acts on the batch's most urgent event: the failover start.
    const records = { Records: batch.map((m) => ({ eventSource: "aws:sqs", body: m.Body })) };
    expect((runEvent(records) as { detail: { EventID: string } }).detail.EventID).toBe("RDS-EVENT-0072");
  });

  it("holds back every later message while a batch is in flight: no second run starts", async () => {
    await putEvent(event("RDS-EVENT-0072", 1));
    const first = await poll();
    expect(first).toHaveLength(1);
    // Events that arrive during the run wait, however often the queue is polled.
    await putEvent(event("RDS-EVENT-0071", 2));
    await putEvent(event("RDS-EVENT-0005", 3));
    expect(await poll()).toHaveLength(0);
    expect(await poll()).toHaveLength(0);
    // The run ends (Lambda deletes the batch): the next batch is the events that waited.
    await done(first);
    const second = await poll();
    expect(second.map((m) => JSON.parse(m.Body!).detail.EventID)).toEqual(["RDS-EVENT-0071", "RDS-EVENT-0005"]);
  });

  it("keeps one copy of the same event sent twice (a cluster event matched by two rules)", async () => {
    const body = JSON.stringify(event("RDS-EVENT-0071", 1));
    for (let i = 0; i < 2; i++)
      await sqs.send(new SendMessageCommand({ QueueUrl: runUrl, MessageBody: body, MessageGroupId: "runs" }));
    expect(await queueDepth(runUrl)).toBe(1);
  });

  it("retries a failed run's batch, and dead-letters it after the last retry", async () => {
    await putEvent(event("RDS-EVENT-0072", 1));
    const receives = JSON.parse(RUN.redrive_policy).maxReceiveCount;
    for (let attempt = 1; attempt <= receives; attempt++) {
      const batch = await poll();
      expect(batch.map((m) => m.Attributes!.ApproximateReceiveCount)).toEqual([String(attempt)]);
      // The run failed: the batch comes back once its visibility timeout has passed (here at once).
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: runUrl,
          ReceiptHandle: batch[0].ReceiptHandle!,
          VisibilityTimeout: 0,
        }),
      );
    }
    expect(await poll()).toHaveLength(0);
    expect(await queueDepth(dlqUrl)).toBe(1);
  });
});
