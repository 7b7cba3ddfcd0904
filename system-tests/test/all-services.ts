import { authService } from '@ecomm/auth-service/service';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { orderService } from '@ecomm/order-service/service';
import { paymentService } from '@ecomm/payment-service/service';
import { productService } from '@ecomm/product-service/service';
import { sessionService } from '@ecomm/session-service/service';

/** The four services a checkout's saga calls. */
export const domainServices = {
  product: productService,
  order: orderService,
  payment: paymentService,
  session: sessionService,
};

/** The whole shop, for a test cluster that serves what `pnpm start` serves. */
export const allServices = { auth: authService, ...domainServices, orchestrator: orchestratorService };
