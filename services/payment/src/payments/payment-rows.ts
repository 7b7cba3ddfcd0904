import type { Executor } from '@ecomm/platform';
import { asc, desc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { payments, refunds } from '../database/schema.js';

export type StoredPayment = typeof payments.$inferSelect;
export type PaymentRow = StoredPayment & { refunds: (typeof refunds.$inferSelect)[] };

/** The payments `where` selects, each with its refunds, in one statement (a left join, grouped here). */
export async function paymentsWithRefunds(db: Executor, where: SQL | undefined): Promise<PaymentRow[]> {
  const rows = await db
    .select({ payment: payments, refund: refunds })
    .from(payments)
    .leftJoin(refunds, eq(refunds.paymentId, payments.id))
    .where(where)
    .orderBy(desc(payments.createdAt), desc(payments.id), asc(refunds.createdAt), asc(refunds.id));
  const byId = new Map<string, PaymentRow>();
  for (const { payment, refund } of rows) {
    const row = byId.get(payment.id) ?? { ...payment, refunds: [] };
    byId.set(payment.id, row);
    if (refund) row.refunds.push(refund);
  }
  return [...byId.values()];
}

/** The payments columns read by name from the rows a function answers (drizzle reads columns only of tables). */
export const paymentColumns = Object.fromEntries(
  Object.entries(getTableColumns(payments)).map(([key, column]) => [
    key,
    sql`${sql.identifier(column.name)}`.mapWith(column),
  ]),
) as { [Key in keyof StoredPayment]: SQL<StoredPayment[Key]> };
