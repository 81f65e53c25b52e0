#include "nourish/core/Hash.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

namespace nourish {

std::string sha256Hex(std::string_view bytes) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
    return Poco::DigestEngine::digestToHex(engine.digest());
}

}  // namespace nourish
