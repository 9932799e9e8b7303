#ifndef OUTREACH_SERVICES_EVENTS_EVENT_STORE_CONFORMANCE_H_
#define OUTREACH_SERVICES_EVENTS_EVENT_STORE_CONFORMANCE_H_

// The behaviour every EventStore must have. An implementation's test file
// instantiates the suite with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, EventStoreConformanceTest,
//                            ::testing::Values(&MakeSqliteStore));

#include <functional>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "services/events/event_store.h"

namespace outreach::events::testing {

// Opens a store whose data lives under `dir`. Opening twice with the same
// `dir` must see the same data.
using EventStoreFactory =
    std::unique_ptr<EventStore> (*)(const std::string& dir);

class EventStoreConformanceTest
    : public ::testing::TestWithParam<EventStoreFactory> {};

}  // namespace outreach::events::testing

#endif  // OUTREACH_SERVICES_EVENTS_EVENT_STORE_CONFORMANCE_H_
