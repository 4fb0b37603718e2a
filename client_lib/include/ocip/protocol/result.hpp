#pragma once
/// Value-or-error results used across the library (Boost.Outcome).

#include <string>

#include <boost/outcome/result.hpp>
#include <boost/outcome/try.hpp>

namespace ocip {

namespace outcome = BOOST_OUTCOME_V2_NAMESPACE;

/// A value of T or an error of E; accessing the wrong one terminates (a programming error).
template <typename T, typename E>
using result = outcome::result<T, E, outcome::policy::terminate>;

}  // namespace ocip

namespace ocip::protocol {

/// A protocol failure: bytes that do not form a valid OCI-P document, or a document of the wrong shape.
struct protocol_error {
  std::string message;  ///< what was wrong and where, for people
};

}  // namespace ocip::protocol
