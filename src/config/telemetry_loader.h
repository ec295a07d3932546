#pragma once
// Parser of the telemetry settings (config/telemetry.h): `client.prometheus_labels` and `plugins`.

#include <boost/json/object.hpp>
#include <string>

#include "config/reader.h"
#include "config/telemetry.h"

namespace hd::config {

// `root` is the whole config object: reads client.prometheus_labels and the plugins array.
void parseTelemetry(detail::Reader& r, const boost::json::object& root, Telemetry& t);

} // namespace hd::config
