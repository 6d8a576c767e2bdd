/** The seed README's sample event: the banner's curl, the tests' default event. */
export const readmeSampleEvent = {
  user_id: "user123",
  amount: 99.99,
  currency: "USD",
  merchant: "Amazon",
  timestamp: "2024-01-15T10:30:00Z",
  metadata: { source: "web", campaign: "summer_sale" },
};
