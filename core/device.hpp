#pragma once
#include <cstdint>
#include <string_view>

namespace fl {

enum class Device : std::uint8_t { cpu, cuda };

constexpr std::string_view device_name(Device d) { return d == Device::cpu ? "cpu" : "cuda"; }

}  // namespace fl
