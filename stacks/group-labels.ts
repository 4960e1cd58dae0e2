// The names an operator knows the target groups by, on the dashboard and in `npm run status`'s
// findings: member slot i, reader set i (clusters), writer and reader (a Multi-AZ instance).
// Status also reads a slot's number back from its label.
export const MEMBER_SLOT = "member slot ";
export const READER_SET = "reader set ";

export const GROUP_LABELS = {
  memberSlot: (i: number) => `${MEMBER_SLOT}${i}`,
  readerSet: (i: number) => `${READER_SET}${i}`,
  writer: "writer",
  reader: "reader",
} as const;
