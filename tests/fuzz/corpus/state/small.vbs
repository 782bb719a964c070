verbatim-state 1
type nps
themes 109
theme price
theme price.expensive
theme price.value
theme price.increase
theme price.discounts
theme billing
theme billing.double_charge
theme billing.wrong_invoice
theme billing.fees
theme billing.unexpected_charge
theme returns
theme returns.refund_delay
theme returns.hassle
theme returns.easy
theme returns.store_credit
theme returns.exchange
theme delivery
theme delivery.late
theme delivery.lost
theme delivery.missed
theme delivery.damaged
theme delivery.tracking
theme delivery.fast
theme delivery.courier
theme delivery.pickup_point
theme delivery.cost
theme delivery.packaging
theme order
theme order.booking
theme order.change
theme order.wrong_item
theme order.missing_item
theme cancellation
theme cancellation.subscription
theme cancellation.order
theme stock
theme stock.out_of_stock
theme stock.range
theme product
theme product.defect
theme product.poor_quality
theme product.good_quality
theme product.not_as_described
theme support
theme support.wait_time
theme support.quick_response
theme support.unreachable
theme support.rude
theme support.helpful
theme support.knowledgeable
theme support.clueless
theme support.resolved
theme support.unresolved
theme support.passed_around
theme support.escalation
theme staff
theme staff.friendly
theme staff.unfriendly
theme staff.advice
theme staff.pushy
theme communication
theme communication.no_information
theme communication.unclear
theme communication.proactive
theme communication.marketing
theme app
theme app.bugs
theme app.login
theme app.easy
theme app.confusing
theme app.slow
theme checkout
theme checkout.payment_failed
theme checkout.payment_methods
theme checkout.promo_code
theme account
theme account.privacy
theme account.security
theme venue
theme venue.queue
theme venue.cleanliness
theme venue.food
theme venue.location
theme venue.opening_hours
theme venue.comfort
theme travel
theme travel.disruption
theme contract
theme contract.terms
theme contract.binding
theme subscription
theme subscription.benefits
theme subscription.renewal
theme loyalty
theme loyalty.rewards
theme loyalty.retention
theme loyalty.churn
theme sustainability
theme sustainability.packaging
theme sustainability.environment
theme process
theme process.paperwork
theme process.processing_time
theme general
theme general.praise
theme general.complaint
theme recommend
theme recommend.yes
theme recommend.no
counts 10 10 0 1
langs 0 10 0 0 0
sentiment 5 0 5
scores 8 0:1 2000:1 3000:1 6000:1 7000:1 8000:1 9000:1 10000:2
t 0 3 1 2 3 2000:1 7000:1 10000:1
t 1 1 1 0 1 2000:1
t 2 1 0 1 1 10000:1
t 16 6 4 2 5 0:1 2000:1 3000:1 9000:1 10000:1
t 17 3 3 0 3 0:1 2000:1 3000:1
t 22 2 0 2 2 9000:1 10000:1
t 43 1 1 0 1 0:1
t 46 1 1 0 1 0:1
t 103 1 0 1 1 10000:1
t 104 1 0 1 1 10000:1
end
